#include "deploy/oci_layout.hpp"

#include "deploy/registry/manifest.hpp"
#include "util/error.hpp"
#include "util/files.hpp"

#include <nlohmann/json.hpp>

#include <regex>

namespace deploy {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;

constexpr const char* k_layout_file = "oci-layout";
constexpr const char* k_layout_version = R"({"imageLayoutVersion":"1.0.0"})";

fs::path blob_path(const fs::path& dir, const std::string& digest) {
  return dir / "blobs" / "sha256" / digest.substr(std::string("sha256:").size());
}

void write_blob(const fs::path& dir, const std::string& digest, const std::string& bytes) {
  auto path = blob_path(dir, digest);
  std::error_code error;
  if (fs::is_regular_file(path, error) && fs::file_size(path, error) == bytes.size()) {
    return;  // content-addressed: same name, same bytes
  }
  util::write_file_atomic(path, bytes);
}

// index.json as JSON, so that entries and fields sbfn does not know are kept as they are,
// beside its entries as registry::parse_manifest read them (which checks their shape).
struct LayoutIndex {
  json document;
  std::vector<registry::Descriptor> entries;
};

LayoutIndex read_index(const fs::path& dir) {
  auto text = util::try_read_file(dir / "index.json");
  if (!text) {
    return {{{"schemaVersion", 2}, {"mediaType", k_index_media_type}, {"manifests", json::array()}},
            {}};
  }
  const std::string what = (dir / "index.json").string();
  auto parsed = registry::parse_manifest(*text, k_index_media_type, what);
  auto index = json::parse(*text);
  if (!index.contains("manifests") || !index["manifests"].is_array()) {
    throw util::Error(what + " is not an OCI image index");
  }
  return {std::move(index), std::move(parsed.manifests)};
}

}  // namespace

LayoutTarget parse_layout_target(const std::string& text) {
  static const std::regex k_tag("[A-Za-z0-9_][A-Za-z0-9._-]{0,127}");
  auto colon = text.rfind(':');
  if (colon != std::string::npos && colon > 0) {
    auto tag = text.substr(colon + 1);
    if (std::regex_match(tag, k_tag)) {
      return {text.substr(0, colon), tag};
    }
  }
  return {text, k_default_tag};
}

void check_layout_dir(const fs::path& dir) {
  std::error_code error;
  if (!fs::exists(dir, error)) {
    return;
  }
  if (!fs::is_directory(dir, error)) {
    throw util::Error("--oci-layout " + dir.string() + " is a file, not a folder");
  }
  if (fs::is_regular_file(dir / k_layout_file, error)) {
    return;
  }
  if (!fs::is_empty(dir, error)) {
    throw util::Error("--oci-layout " + dir.string() +
                      " is a folder that is neither empty nor an OCI image layout (no " +
                      k_layout_file + " file); name a new or empty folder");
  }
}

void write_oci_layout(const LayoutTarget& target, const Image& image) {
  check_layout_dir(target.dir);
  auto [index, entries] = read_index(target.dir);
  // The marker first: a run cut short leaves a layout (with stray blobs), never a folder
  // the next run refuses.
  util::write_file_atomic(target.dir / k_layout_file, k_layout_version);
  for (const auto& layer : image.layers) {
    write_blob(target.dir, layer.digest, layer.blob);
  }
  write_blob(target.dir, image.config.digest, image.config.bytes);
  write_blob(target.dir, image.manifest.digest, image.manifest.bytes);

  json manifests = json::array();
  for (std::size_t i = 0; i < entries.size(); ++i) {
    if (entries[i].ref_name != target.tag) {
      manifests.push_back(index["manifests"][i]);
    }
  }
  manifests.push_back({{"mediaType", image.manifest.media_type},
                       {"digest", image.manifest.digest},
                       {"size", image.manifest.bytes.size()},
                       {"annotations", {{k_ref_name_annotation, target.tag}}},
                       {"platform", {{"architecture", "amd64"}, {"os", "linux"}}}});
  index["manifests"] = manifests;
  index["schemaVersion"] = 2;
  index["mediaType"] = k_index_media_type;
  util::write_file_atomic(target.dir / "index.json", index.dump());
}

}  // namespace deploy
