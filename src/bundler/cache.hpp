#pragma once

// The download cache under $SBFN_CACHE_DIR (util::cache_dir()): registries' metadata,
// remote modules and extracted npm packages. Every write goes to a temporary name and
// is renamed into place, so two sbfn processes filling the same cache at once, or a
// download cut off half-way, never leave a corrupt entry: a reader sees a whole entry
// or none.
//
//   blobs/sha256/ab/<hex>          content-addressed bytes (module sources, tarballs)
//   <area>/<key>                   small keyed records (packuments, URL -> blob index)
//   <area>/<key>/                  directories filled once (an extracted package)
//   <area>/<key>.files             what such a directory holds (each file's size), checked
//                                  whenever it is used: a damaged entry is filled again

#include <filesystem>
#include <functional>
#include <optional>
#include <string>
#include <string_view>

namespace bundler {

class Cache {
 public:
  explicit Cache(std::filesystem::path root);
  // The cache named by the environment (SBFN_CACHE_DIR, XDG_CACHE_HOME, HOME).
  static Cache from_environment();

  const std::filesystem::path& root() const { return m_root; }

  // Stores `bytes` under their SHA-256 and returns it (lowercase hex).
  std::string put_blob(std::string_view bytes) const;
  // The bytes stored under `sha256`, checked against it on the way out: a damaged blob
  // reads as missing.
  std::optional<std::string> blob(const std::string& sha256) const;
  std::filesystem::path blob_path(const std::string& sha256) const;

  // A small record keyed by `key` in `area` ("npm", "jsr", "remote"). Keys may hold any
  // characters (URLs, scoped package names); they are mapped to safe file names.
  std::optional<std::string> record(std::string_view area, std::string_view key) const;
  void put_record(std::string_view area, std::string_view key, std::string_view bytes) const;

  // The directory for `key` in `area`, filled by `fill(temporary_dir)` the first time it
  // is asked for. When another process fills it at the same moment, one copy wins and
  // both callers get it. `fill` throws to abandon the attempt (nothing is left behind).
  std::filesystem::path directory(
      std::string_view area, std::string_view key,
      const std::function<void(const std::filesystem::path&)>& fill) const;
  // The directory if it is already complete and still holds what it was filled with
  // (every file there, of its size; see `<key>.files`). One that does not (a file deleted
  // or cut short behind sbfn's back) is removed, and reads as missing.
  std::optional<std::filesystem::path> existing_directory(std::string_view area,
                                                          std::string_view key) const;

 private:
  std::filesystem::path keyed_path(std::string_view area, std::string_view key) const;

  std::filesystem::path m_root;
};

}  // namespace bundler
