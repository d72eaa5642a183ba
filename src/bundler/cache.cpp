#include "bundler/cache.hpp"

#include "util/error.hpp"
#include "util/files.hpp"
#include "util/hash.hpp"

#include <unistd.h>

#include <atomic>
#include <cstdio>

namespace fs = std::filesystem;

namespace bundler {
namespace {

// Keys become one path segment: safe characters stay (so a person can browse the cache),
// the rest is percent-encoded, and a key too long for a file name is hashed.
std::string safe_name(std::string_view key) {
  static constexpr char hex[] = "0123456789abcdef";
  std::string out;
  for (unsigned char c : key) {
    bool keep = std::isalnum(c) || c == '.' || c == '-' || c == '_' || c == '@' || c == '+';
    if (keep) {
      out += static_cast<char>(c);
    } else {
      out += '%';
      out += hex[c >> 4];
      out += hex[c & 15];
    }
  }
  if (out.empty() || out == "." || out == ".." || out.size() > 200) {
    return "sha256-" + util::sha256_hex(key);
  }
  return out;
}

std::string temporary_suffix() {
  static std::atomic<unsigned> counter{0};
  return ".tmp." + std::to_string(::getpid()) + "." + std::to_string(counter++);
}

}  // namespace

Cache::Cache(fs::path root) : m_root(std::move(root)) {}

Cache Cache::from_environment() {
  return Cache(util::cache_dir());
}

fs::path Cache::blob_path(const std::string& sha256) const {
  return m_root / "blobs" / "sha256" / sha256.substr(0, 2) / sha256;
}

std::string Cache::put_blob(std::string_view bytes) const {
  auto sha256 = util::sha256_hex(bytes);
  auto path = blob_path(sha256);
  std::error_code ec;
  if (!fs::exists(path, ec)) {
    util::write_file_atomic(path, bytes);
  }
  return sha256;
}

std::optional<std::string> Cache::blob(const std::string& sha256) const {
  if (sha256.size() != 64) {
    return std::nullopt;
  }
  auto bytes = util::try_read_file(blob_path(sha256));
  if (!bytes || util::sha256_hex(*bytes) != sha256) {
    return std::nullopt;
  }
  return bytes;
}

fs::path Cache::keyed_path(std::string_view area, std::string_view key) const {
  return m_root / safe_name(area) / safe_name(key);
}

std::optional<std::string> Cache::record(std::string_view area, std::string_view key) const {
  return util::try_read_file(keyed_path(area, key));
}

void Cache::put_record(std::string_view area, std::string_view key, std::string_view bytes) const {
  util::write_file_atomic(keyed_path(area, key), bytes);
}

std::optional<fs::path> Cache::existing_directory(std::string_view area,
                                                  std::string_view key) const {
  auto path = keyed_path(area, key);
  std::error_code ec;
  if (fs::is_directory(path, ec)) {
    return path;
  }
  return std::nullopt;
}

fs::path Cache::directory(std::string_view area, std::string_view key,
                          const std::function<void(const fs::path&)>& fill) const {
  if (auto done = existing_directory(area, key)) {
    return *done;
  }
  auto path = keyed_path(area, key);
  fs::create_directories(path.parent_path());
  auto tmp = path;
  tmp += temporary_suffix();
  fs::create_directories(tmp);
  try {
    fill(tmp);
  } catch (...) {
    std::error_code ignored;
    fs::remove_all(tmp, ignored);
    throw;
  }
  // rename(2) refuses to replace a non-empty directory: then another process finished
  // first, and its copy is as good as ours.
  if (std::rename(tmp.c_str(), path.c_str()) != 0) {
    std::error_code ignored;
    fs::remove_all(tmp, ignored);
    if (!existing_directory(area, key)) {
      throw util::Error("cannot fill the cache entry " + path.string());
    }
  }
  return path;
}

}  // namespace bundler
