#pragma once

// Reading the JSON documents of the OCI image spec (and Docker's twins): image manifests,
// image indexes / manifest lists (a registry's, and an image layout's index.json) and image
// configs, as far as sbfn's pull, push and layout writer use them. Apart from the network
// and the disk: pure functions of the bytes, which refuse a document of the wrong shape
// with util::Error naming `what` and the field (fuzz/oci_manifest.cpp). Unknown fields are
// ignored, as the spec asks.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace deploy::registry {

inline constexpr const char* k_oci_manifest_type = "application/vnd.oci.image.manifest.v1+json";
inline constexpr const char* k_oci_index_type = "application/vnd.oci.image.index.v1+json";
inline constexpr const char* k_docker_manifest_type =
    "application/vnd.docker.distribution.manifest.v2+json";
inline constexpr const char* k_docker_list_type =
    "application/vnd.docker.distribution.manifest.list.v2+json";

struct Descriptor {
  std::string media_type;  // empty when the descriptor has none
  std::string digest;      // as written; empty when absent
  std::optional<std::uint64_t> size;
  bool has_urls = false;  // non-distributable: the blob lives at its `urls`
  // An index entry's platform (empty when absent) and its
  // org.opencontainers.image.ref.name annotation (an image layout's tag).
  std::string os;
  std::string architecture;
  std::string variant;
  std::string ref_name;

  // "linux/amd64", "linux/arm/v7"; "?" for a missing os or architecture.
  std::string platform() const;
};

struct Manifest {
  // The document's own `mediaType`, else the type it was served as.
  std::string media_type;
  std::vector<Descriptor> manifests;  // an index's entries
  std::optional<Descriptor> config;   // an image manifest's config
  std::vector<Descriptor> layers;     // an image manifest's layers, in order

  bool is_index() const;           // OCI index or Docker manifest list
  bool is_image_manifest() const;  // OCI or Docker image manifest
};

// Parses a manifest or index; `served_as` is its Content-Type (or the descriptor's media
// type) for a document without `mediaType`. Throws util::Error when it is not a JSON
// object, or `manifests`, `layers`, `config`, a descriptor or one of its fields has the
// wrong type.
Manifest parse_manifest(std::string_view bytes, const std::string& served_as,
                        const std::string& what);

struct ImageConfig {
  std::string platform;  // "linux/amd64" ("?" for a missing part)
  std::vector<std::string> diff_ids;
};

// An image config's platform and rootfs.diff_ids. Throws util::Error for anything but a
// JSON object, or those fields of the wrong type, or the fields a build on top of the
// image extends (config.Env, ExposedPorts, Labels, WorkingDir; history) of the wrong type.
ImageConfig parse_image_config(std::string_view bytes, const std::string& what);

}  // namespace deploy::registry
