#pragma once

// An OCI image of sbfn and a project's functions, built from scratch without Docker:
//
//   runtime layer    /usr/local/bin/sbfn (this very binary), the shared libraries it loads
//                    (found from its ELF dependencies, elf.hpp) under
//                    /usr/lib/x86_64-linux-gnu, the loader at its PT_INTERP path, CA
//                    certificates, timezone data, /tmp       (runtime_layer.cpp)
//   functions layer  /functions/<name>.sbfn: the `sbfn bundle` artifacts (functions_layer.cpp)
//   config           what `docker run`, ECS and Kubernetes read (image_config.cpp)
//   manifest         the OCI image manifest tying them together (image_config.cpp)
//
// Same inputs, same digests: the layers are deterministic (layer.hpp) and the JSON has
// sorted keys, no timestamps (`created` is the epoch) and no host paths.

#include "deploy/base_image.hpp"
#include "deploy/elf.hpp"
#include "deploy/layer.hpp"

#include <filesystem>
#include <optional>
#include <string>
#include <vector>

namespace deploy {

// Where things live inside the image.
inline constexpr const char* k_image_binary = "/usr/local/bin/sbfn";
inline constexpr const char* k_image_library_dir = "/usr/lib/x86_64-linux-gnu";
// Where an installed sbfn keeps its own libraries (V8), beside k_image_binary as
// `cmake --install` lays them out (run path $ORIGIN/../lib/sbfn).
inline constexpr const char* k_image_own_library_dir = "/usr/local/lib/sbfn";
inline constexpr const char* k_image_functions_dir = "/functions";
inline constexpr int k_image_port = 8000;

inline constexpr const char* k_manifest_media_type = "application/vnd.oci.image.manifest.v1+json";
inline constexpr const char* k_index_media_type = "application/vnd.oci.image.index.v1+json";
inline constexpr const char* k_config_media_type = "application/vnd.oci.image.config.v1+json";

// The only platform images are built for: the machine's own (sbfn copies itself).
inline constexpr const char* k_image_platform = "linux/amd64";

// What the runtime layer is made of, on this machine.
struct RuntimeSources {
  std::filesystem::path binary = "/proc/self/exe";
  std::filesystem::path ca_certificates = "/etc/ssl/certs/ca-certificates.crt";
  std::filesystem::path zoneinfo = "/usr/share/zoneinfo";
  LoaderSearch loader = LoaderSearch::from_system();
};

// A function's artifact as it goes into the image.
struct FunctionArtifact {
  std::string slug;
  std::string bytes;  // what write_artifact wrote
  bool verify_jwt = true;
};

// The runtime layer's entries. Throws util::Error when the binary is not an x86-64 ELF, a
// library it needs is not found, or the CA certificates or timezone data are missing.
std::vector<LayerEntry> runtime_layer_entries(const RuntimeSources& sources);

// The functions layer's entries: /functions/<slug>.sbfn for each artifact.
std::vector<LayerEntry> functions_layer_entries(const std::vector<FunctionArtifact>& functions);

// A blob of the image other than a layer (the config, the manifest).
struct Blob {
  std::string media_type;
  std::string bytes;
  std::string digest;  // "sha256:<hex>"
};
Blob make_blob(std::string media_type, std::string bytes);

struct ImageInputs {
  std::vector<FunctionArtifact> functions;
  // The project's source revision (a git commit), as the label
  // org.opencontainers.image.revision; none when the project is not a git checkout.
  std::optional<std::string> revision;
  std::string sbfn_version;  // the dev.sbfn.version label
  // --base-image: the layers go on top of this one's (none: FROM scratch).
  const BaseImage* base = nullptr;
};

struct Image {
  std::vector<Layer> layers;  // the base's (if any), then runtime, then functions
  std::size_t base_layers = 0;
  Blob config;
  Blob manifest;
};

// The config JSON for our `layers` (in order): amd64/linux, the entrypoint `sbfn serve
// --bundle /functions --host 0.0.0.0 --port 8000`, port 8000/tcp, Docker's Healthcheck on
// /health, labels naming the functions, their artifact digests and the revision. On a base
// image, its config extended: its diff_ids and history first, its Env, User, WorkingDir,
// volumes and labels kept, its Cmd dropped (it would become arguments of our entrypoint).
std::string image_config_json(const std::vector<Layer>& layers, const ImageInputs& inputs);

// The OCI image manifest for `config` and `layers` (all of them, the base's included).
std::string image_manifest_json(const Blob& config, const std::vector<Layer>& layers);

// Builds both layers, the config and the manifest, in memory.
Image build_image(const ImageInputs& inputs, const RuntimeSources& sources = {});

// The source revision of the git checkout holding `dir` (HEAD's commit, read from .git
// without running git: loose refs, packed-refs, worktrees), or none.
std::optional<std::string> git_revision(const std::filesystem::path& dir);

}  // namespace deploy
