#include "deploy/base_image.hpp"

#include "deploy/image.hpp"
#include "deploy/push_image.hpp"
#include "deploy/registry/manifest.hpp"
#include "deploy/registry/pull.hpp"
#include "util/error.hpp"
#include "util/files.hpp"
#include "util/hash.hpp"
#include "util/human_size.hpp"

#include <cstdio>

namespace deploy {
namespace {

namespace fs = std::filesystem;

// Docker's layer types and the OCI types with the same bytes. Foreign (non-distributable)
// layers are not built on: a registry push would leave them out.
std::string oci_layer_type(const std::string& media_type, const std::string& base) {
  if (media_type == k_layer_media_type ||
      media_type == "application/vnd.docker.image.rootfs.diff.tar.gzip") {
    return k_layer_media_type;
  }
  if (media_type == "application/vnd.oci.image.layer.v1.tar" ||
      media_type == "application/vnd.oci.image.layer.v1.tar+zstd") {
    return media_type;
  }
  throw util::Error("base image " + base + " has a layer of type '" + media_type +
                    "', which sbfn does not build on");
}

// The blob from the cache, or from the registry (then stored). A cached file is checked
// against its digest before use, so a damaged cache costs a download, never a bad image.
std::string layer_blob(registry::ImagePull& pull,
                       const registry::PulledImage::LayerDescriptor& layer) {
  const fs::path cached = util::cache_dir() / "blobs" / "sha256" / layer.digest.substr(7);
  if (auto bytes = util::try_read_file(cached);
      bytes && bytes->size() == layer.size &&
      "sha256:" + util::sha256_hex(*bytes) == layer.digest) {
    return std::move(*bytes);
  }
  std::fprintf(stderr, "  %s  %10s  pulling\n", layer.digest.substr(0, 19).c_str(),
               util::human_size(layer.size).c_str());
  std::string bytes = pull.blob(layer.digest, layer.size);
  try {
    util::write_file_atomic(cached, bytes);
  } catch (const std::exception&) {
    // A read-only or full cache: pulled again next time.
  }
  return bytes;
}

}  // namespace

BaseImage pull_base_image(const std::string& reference, bool insecure) {
  ImagePush source = parse_image_target(reference, insecure, false);
  registry::PushOptions options = push_options(source);
  options.progress = nullptr;
  BaseImage base;
  base.reference = source.reference;
  const std::string name = source.reference.to_string();
  std::fprintf(stderr, "Pulling the base image %s\n", name.c_str());
  registry::ImagePull pull(source.reference, options);
  auto pulled = pull.image("linux", "amd64");
  base.manifest_digest = pulled.manifest_digest;
  base.config = pulled.config;
  const std::vector<std::string> diff_ids =
      registry::parse_image_config(base.config, "the config of base image " + name).diff_ids;
  if (diff_ids.size() != pulled.layers.size()) {
    throw util::Error("base image " + name + ": its config lists " +
                      std::to_string(diff_ids.size()) +
                      " layers (rootfs.diff_ids) and its "
                      "manifest " +
                      std::to_string(pulled.layers.size()));
  }
  for (std::size_t i = 0; i < pulled.layers.size(); ++i) {
    const auto& descriptor = pulled.layers[i];
    Layer layer;
    layer.media_type = oci_layer_type(descriptor.media_type, name);
    layer.digest = descriptor.digest;
    layer.diff_id = diff_ids[i];
    layer.blob = layer_blob(pull, descriptor);
    base.layers.push_back(std::move(layer));
  }
  return base;
}

}  // namespace deploy
