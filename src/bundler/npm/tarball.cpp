#include "bundler/npm/tarball.hpp"

#include "bundler/npm/digest.hpp"
#include "util/base64.hpp"
#include "util/error.hpp"
#include "util/hash.hpp"

#include <archive.h>
#include <archive_entry.h>

#include <algorithm>
#include <cerrno>
#include <cstdint>
#include <cstring>
#include <fstream>
#include <memory>
#include <vector>

namespace fs = std::filesystem;

namespace bundler {
namespace {

bool is_hex_sha1(std::string_view text) {
  if (text.size() != 40) {
    return false;
  }
  for (char c : text) {
    if (!std::isxdigit(static_cast<unsigned char>(c))) {
      return false;
    }
  }
  return true;
}

// The tarball path without its first segment, as clean relative segments; empty when
// nothing is left (the top folder itself). Throws for absolute paths and `..`.
std::vector<std::string> inner_segments(std::string_view path, const std::string& package) {
  std::vector<std::string> segments;
  std::size_t start = 0;
  while (start <= path.size()) {
    auto slash = path.find('/', start);
    auto segment = path.substr(start, slash == std::string_view::npos ? slash : slash - start);
    if (!segment.empty() && segment != ".") {
      segments.emplace_back(segment);
    }
    if (slash == std::string_view::npos) {
      break;
    }
    start = slash + 1;
  }
  bool absolute = !path.empty() && path.front() == '/';
  for (const auto& segment : segments) {
    if (segment == ".." || segment.find('\\') != std::string::npos) {
      absolute = true;
    }
  }
  if (absolute) {
    throw util::Error("The tarball of npm package " + package + " has the path '" +
                      std::string(path) + "', which would land outside the package folder.");
  }
  if (!segments.empty()) {
    segments.erase(segments.begin());
  }
  return segments;
}

}  // namespace

std::optional<std::string> integrity_mismatch(std::string_view bytes, std::string_view expected,
                                              const std::string& package) {
  if (expected.empty()) {
    return std::nullopt;
  }
  using npm_digest::Algorithm;
  if (is_hex_sha1(expected)) {
    auto actual = util::hex(npm_digest::digest(Algorithm::sha1, bytes));
    return actual == expected ? std::nullopt : std::optional<std::string>(actual);
  }
  auto dash = expected.find('-');
  auto algorithm = expected.substr(0, dash);
  if (dash == std::string_view::npos || (algorithm != "sha512" && algorithm != "sha1")) {
    throw util::Error("Not implemented hash function for " + package + ": " +
                      std::string(expected) + " (only sha512 and sha1 integrity are supported).");
  }
  auto actual = std::string(algorithm) + "-" +
                util::base64_encode(npm_digest::digest(
                    algorithm == "sha512" ? Algorithm::sha512 : Algorithm::sha1, bytes));
  return actual == expected ? std::nullopt : std::optional<std::string>(actual);
}

void extract_npm_tarball(std::string_view tgz, const fs::path& dir, const std::string& package) {
  std::unique_ptr<archive, decltype(&archive_read_free)> reader(archive_read_new(),
                                                                &archive_read_free);
  archive_read_support_filter_all(reader.get());
  archive_read_support_format_tar(reader.get());
  auto fail = [&](const std::string& what) {
    const char* detail = archive_error_string(reader.get());
    return util::Error("Cannot extract the tarball of npm package " + package + ": " + what +
                       (detail ? std::string(" (") + detail + ")" : std::string()));
  };
  if (archive_read_open_memory(reader.get(), tgz.data(), tgz.size()) != ARCHIVE_OK) {
    throw fail("it is not a gzipped tar file");
  }
  std::uint64_t unpacked = 0;
  auto too_big = [&] {
    return util::Error("The tarball of npm package " + package + " unpacks to more than " +
                       std::to_string(k_max_npm_unpacked_bytes >> 30) +
                       " GiB; refusing to extract it.");
  };
  archive_entry* entry = nullptr;
  while (true) {
    int status = archive_read_next_header(reader.get(), &entry);
    if (status == ARCHIVE_EOF) {
      break;
    }
    if (status < ARCHIVE_WARN) {
      throw fail("a damaged entry");
    }
    const char* name = archive_entry_pathname(entry);
    auto segments = inner_segments(name ? name : "", package);
    auto type = archive_entry_filetype(entry);
    // Links could point anywhere (and npm never publishes them): skipped, as Deno does.
    if (segments.empty() || archive_entry_hardlink(entry) != nullptr ||
        (type != AE_IFREG && type != AE_IFDIR)) {
      continue;
    }
    if (archive_entry_size_is_set(entry) && static_cast<std::uint64_t>(archive_entry_size(entry)) >
                                                k_max_npm_unpacked_bytes - unpacked) {
      throw too_big();
    }
    fs::path target = dir;
    for (const auto& segment : segments) {
      target /= segment;
    }
    // A path that is a file in one entry and a folder in another cannot be written.
    auto cannot_write = [&](const std::string& why) {
      return util::Error("Cannot write " + target.string() + " while extracting npm package " +
                         package + (why.empty() ? "." : ": " + why + "."));
    };
    std::error_code error;
    if (type == AE_IFDIR) {
      fs::create_directories(target, error);
      if (error) {
        throw cannot_write(error.message());
      }
      continue;
    }
    fs::create_directories(target.parent_path(), error);
    if (error) {
      throw cannot_write(error.message());
    }
    std::ofstream out(target, std::ios::binary | std::ios::trunc);
    const void* block = nullptr;
    size_t size = 0;
    la_int64_t offset = 0;
    std::uint64_t end = 0;
    while ((status = archive_read_data_block(reader.get(), &block, &size, &offset)) == ARCHIVE_OK) {
      // Sparse entries seek: the furthest byte counts, written or not.
      end = std::max(end, static_cast<std::uint64_t>(offset) + size);
      if (end > k_max_npm_unpacked_bytes - unpacked) {
        throw too_big();
      }
      out.seekp(offset);
      out.write(static_cast<const char*>(block), static_cast<std::streamsize>(size));
      if (!out) {
        throw cannot_write(std::strerror(errno));  // errno of the failed write: ENOSPC
      }
    }
    if (status != ARCHIVE_EOF) {
      throw fail("the data of '" + std::string(name) + "' is damaged");
    }
    unpacked += end;
    out.close();
    if (!out) {
      throw cannot_write(std::strerror(errno));
    }
    // Executable bits are kept (bins); the rest is the usual 0644.
    auto mode = archive_entry_perm(entry) & 0111 ? fs::perms(0755) : fs::perms(0644);
    fs::permissions(target, mode, error);
    if (error) {
      throw cannot_write(error.message());
    }
  }
}

}  // namespace bundler
