// Fuzzes deploy::registry::parse_manifest and parse_image_config (deploy/registry/manifest.hpp):
// what `sbfn deploy --base-image` reads from a registry (an index or Docker manifest list,
// then an image manifest, then its config) and what `--oci-layout` and the layout push read
// from an image layout's index.json. A registry or a layout folder can hold anything.
#include "deploy/registry/manifest.hpp"
#include "util/error.hpp"

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  namespace registry = deploy::registry;
  // As served with each Content-Type a registry may give (the document's own mediaType wins).
  for (const char* served_as : {registry::k_oci_index_type, registry::k_docker_manifest_type, ""}) {
    try {
      auto manifest = registry::parse_manifest(text, served_as, "fuzzed manifest");
      for (const auto& entry : manifest.manifests) {
        entry.platform();
      }
      manifest.is_index();
      manifest.is_image_manifest();
    } catch (const util::Error&) {
      // Not a JSON object, or a field of the wrong type: refused by contract.
    }
  }
  try {
    registry::parse_image_config(text, "fuzzed config");
  } catch (const util::Error&) {
  }
  return 0;
}
