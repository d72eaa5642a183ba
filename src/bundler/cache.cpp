#include "bundler/cache.hpp"

#include "util/checked_file.hpp"
#include "util/error.hpp"
#include "util/files.hpp"
#include "util/hash.hpp"

#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cstdio>
#include <vector>

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

// "<size>\t<path relative to the entry>\n" per regular file, sorted: what a filled directory
// must still hold to be used.
std::string listing_of(const fs::path& dir) {
  std::vector<std::string> lines;
  for (const auto& entry : fs::recursive_directory_iterator(dir)) {
    if (entry.is_regular_file()) {
      lines.push_back(std::to_string(entry.file_size()) + "\t" +
                      entry.path().lexically_relative(dir).string() + "\n");
    }
  }
  std::sort(lines.begin(), lines.end());
  std::string out;
  for (const auto& line : lines) {
    out += line;
  }
  return out;
}

fs::path listing_path(const fs::path& dir) {
  auto path = dir;
  path += ".files";
  return path;
}

// False when a file of the listing is missing or of another size, or the listing itself
// is damaged. A directory without a listing (filled by an sbfn before listings) is kept.
bool holds_its_listing(const fs::path& dir) {
  std::error_code ec;
  if (!fs::exists(listing_path(dir), ec)) {
    return true;
  }
  auto listing = util::read_checked_file(listing_path(dir));
  if (!listing) {
    return false;
  }
  std::string_view rest = *listing;
  while (!rest.empty()) {
    auto tab = rest.find('\t');
    auto end = rest.find('\n');
    if (tab == std::string_view::npos || end == std::string_view::npos || tab > end) {
      return false;
    }
    auto size = fs::file_size(dir / std::string(rest.substr(tab + 1, end - tab - 1)), ec);
    if (ec || std::to_string(size) != rest.substr(0, tab)) {
      return false;
    }
    rest.remove_prefix(end + 1);
  }
  return true;
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
  if (!fs::is_directory(path, ec)) {
    return std::nullopt;
  }
  if (holds_its_listing(path)) {
    return path;
  }
  // Moved aside first: another process may be reading it, or filling it again.
  auto aside = path;
  aside += temporary_suffix();
  if (std::rename(path.c_str(), aside.c_str()) == 0) {
    fs::remove_all(aside, ec);
    fs::remove(listing_path(path), ec);
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
    // Before the rename: a directory in place always has its listing.
    util::write_checked_file(listing_path(path), listing_of(tmp));
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
