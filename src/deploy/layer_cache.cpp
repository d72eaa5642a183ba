#include "deploy/layer_cache.hpp"

#include "util/files.hpp"
#include "util/hash.hpp"

#include <nlohmann/json.hpp>
#include <sys/stat.h>

#include <fstream>
#include <optional>
#include <sstream>

namespace deploy {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;

// Bump when build_layer's output for the same entries changes.
constexpr int k_layer_format = 1;

std::string cache_key(const std::vector<LayerEntry>& entries) {
  json key = json::array();
  key.push_back(k_layer_format);
  for (const auto& entry : entries) {
    json item = {entry.path, static_cast<int>(entry.kind), entry.mode, entry.link_target};
    if (!entry.source.empty()) {
      struct stat info {};
      if (::stat(entry.source.c_str(), &info) != 0) {
        return {};  // build_layer reports it
      }
      item.push_back({entry.source.string(), info.st_dev, info.st_ino, info.st_size,
                      info.st_mtim.tv_sec, info.st_mtim.tv_nsec});
    } else {
      item.push_back(util::sha256_hex(entry.content));
    }
    key.push_back(std::move(item));
  }
  return util::sha256_hex(key.dump());
}

std::optional<std::string> read_whole(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    return std::nullopt;
  }
  std::ostringstream out;
  out << in.rdbuf();
  return out.str();
}

std::optional<Layer> load(const fs::path& meta_path, const fs::path& blob_path) {
  auto meta_text = read_whole(meta_path);
  auto blob = read_whole(blob_path);
  if (!meta_text || !blob) {
    return std::nullopt;
  }
  auto meta = json::parse(*meta_text, nullptr, false);
  if (!meta.is_object() || !meta.contains("digest") ||
      meta["digest"] != "sha256:" + util::sha256_hex(*blob)) {
    return std::nullopt;  // torn or tampered with: build again
  }
  Layer layer;
  layer.media_type = meta.value("media_type", std::string(k_layer_media_type));
  layer.blob = std::move(*blob);
  layer.digest = meta["digest"];
  layer.diff_id = meta.value("diff_id", std::string());
  layer.tar_size = meta.value("tar_size", std::uint64_t{0});
  layer.entry_count = meta.value("entry_count", std::size_t{0});
  return layer;
}

}  // namespace

Layer build_layer_cached(std::vector<LayerEntry> entries) {
  auto normalized = normalize_entries(std::move(entries));
  auto key = cache_key(normalized);
  if (key.empty()) {
    return build_layer(std::move(normalized));
  }
  auto folder = util::cache_dir() / "layers";
  auto meta_path = folder / (key + ".json");
  auto blob_path = folder / (key + ".tar.gz");
  if (auto cached = load(meta_path, blob_path)) {
    return std::move(*cached);
  }
  auto layer = build_layer(std::move(normalized));
  try {
    fs::create_directories(folder);
    util::write_file_atomic(blob_path, layer.blob);
    json meta = {{"media_type", layer.media_type},
                 {"digest", layer.digest},
                 {"diff_id", layer.diff_id},
                 {"tar_size", layer.tar_size},
                 {"entry_count", layer.entry_count}};
    util::write_file_atomic(meta_path, meta.dump());  // last: it vouches for the blob
  } catch (const std::exception&) {
    // A read-only or full cache: the layer is built again next time.
  }
  return layer;
}

}  // namespace deploy
