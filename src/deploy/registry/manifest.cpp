#include "deploy/registry/manifest.hpp"

#include "util/error.hpp"

#include <nlohmann/json.hpp>

namespace deploy::registry {
namespace {

using nlohmann::json;

constexpr const char* k_ref_name = "org.opencontainers.image.ref.name";

json parse_object(std::string_view bytes, const std::string& what) {
  json value = json::parse(bytes, nullptr, false);
  if (!value.is_object()) {
    throw util::Error(what + " is not a JSON object");
  }
  return value;
}

// Go's encoder writes a nil slice or map as null (Docker's "Labels": null): null is read
// as absent throughout.
const json* field(const json& object, const char* key) {
  auto it = object.find(key);
  return it == object.end() || it->is_null() ? nullptr : &*it;
}

// object[key] as a string; "" when absent; util::Error when it is something else.
std::string string_field(const json& object, const char* key, const std::string& what) {
  const json* it = field(object, key);
  if (it == nullptr) {
    return "";
  }
  if (!it->is_string()) {
    throw util::Error(what + ": \"" + key + "\" is not a string");
  }
  return it->get<std::string>();
}

// object[key] as an object; nullptr when absent; util::Error when it is something else.
const json* object_field(const json& object, const char* key, const std::string& what) {
  const json* it = field(object, key);
  if (it != nullptr && !it->is_object()) {
    throw util::Error(what + ": \"" + key + "\" is not an object");
  }
  return it;
}

const json* array_field(const json& object, const char* key, const std::string& what) {
  const json* it = field(object, key);
  if (it != nullptr && !it->is_array()) {
    throw util::Error(what + ": \"" + key + "\" is not an array");
  }
  return it;
}

Descriptor descriptor_of(const json& value, const std::string& what) {
  if (!value.is_object()) {
    throw util::Error(what + " is not an object");
  }
  Descriptor out;
  out.media_type = string_field(value, "mediaType", what);
  out.digest = string_field(value, "digest", what);
  if (const json* size = field(value, "size")) {
    if (!size->is_number_unsigned()) {
      throw util::Error(what + ": \"size\" is not a byte count");
    }
    out.size = size->get<std::uint64_t>();
  }
  out.has_urls = field(value, "urls") != nullptr;
  if (const json* platform = object_field(value, "platform", what)) {
    out.os = string_field(*platform, "os", what + " platform");
    out.architecture = string_field(*platform, "architecture", what + " platform");
    out.variant = string_field(*platform, "variant", what + " platform");
  }
  if (const json* annotations = object_field(value, "annotations", what)) {
    out.ref_name = string_field(*annotations, k_ref_name, what + " annotations");
  }
  return out;
}

std::vector<Descriptor> descriptors_of(const json* array, const std::string& what) {
  std::vector<Descriptor> out;
  if (array != nullptr) {
    for (const auto& entry : *array) {
      out.push_back(descriptor_of(entry, what + " entry " + std::to_string(out.size())));
    }
  }
  return out;
}

}  // namespace

std::string Descriptor::platform() const {
  std::string text = (os.empty() ? "?" : os) + "/" + (architecture.empty() ? "?" : architecture);
  if (!variant.empty()) {
    text += "/" + variant;
  }
  return text;
}

bool Manifest::is_index() const {
  return media_type == k_oci_index_type || media_type == k_docker_list_type;
}

bool Manifest::is_image_manifest() const {
  return media_type == k_oci_manifest_type || media_type == k_docker_manifest_type;
}

Manifest parse_manifest(std::string_view bytes, const std::string& served_as,
                        const std::string& what) {
  const json document = parse_object(bytes, what);
  Manifest out;
  out.media_type = string_field(document, "mediaType", what);
  if (out.media_type.empty()) {
    out.media_type = served_as;
  }
  out.manifests = descriptors_of(array_field(document, "manifests", what), what + " manifests");
  out.layers = descriptors_of(array_field(document, "layers", what), what + " layers");
  if (const json* config = field(document, "config")) {
    out.config = descriptor_of(*config, what + " config");
  }
  return out;
}

ImageConfig parse_image_config(std::string_view bytes, const std::string& what) {
  const json document = parse_object(bytes, what);
  ImageConfig out;
  auto os = string_field(document, "os", what);
  auto architecture = string_field(document, "architecture", what);
  out.platform = (os.empty() ? "?" : os) + "/" + (architecture.empty() ? "?" : architecture);
  // What a build on top of this config reads and extends (deploy::image_config_json).
  if (const json* settings = object_field(document, "config", what)) {
    const std::string where = what + " config";
    if (const json* env = array_field(*settings, "Env", where)) {
      for (const auto& entry : *env) {
        if (!entry.is_string()) {
          throw util::Error(where + ": Env holds something other than a string");
        }
      }
    }
    object_field(*settings, "ExposedPorts", where);
    object_field(*settings, "Labels", where);
    string_field(*settings, "WorkingDir", where);
  }
  array_field(document, "history", what);
  if (const json* rootfs = object_field(document, "rootfs", what)) {
    if (const json* diff_ids = array_field(*rootfs, "diff_ids", what + " rootfs")) {
      for (const auto& id : *diff_ids) {
        if (!id.is_string()) {
          throw util::Error(what + ": rootfs.diff_ids holds something other than a digest");
        }
        out.diff_ids.push_back(id.get<std::string>());
      }
    }
  }
  return out;
}

}  // namespace deploy::registry
