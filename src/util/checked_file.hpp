#pragma once

#include <filesystem>
#include <optional>
#include <string>
#include <string_view>

namespace util {

// Files of a cache that something else may damage (a full disk, a crash, a person, a
// second process): the content, then a last line with its SHA-256. A damaged, truncated or
// foreign file reads as missing, so the cache makes it again instead of serving it.

// write_file_atomic of `content` with its checksum line; throws WriteError.
void write_checked_file(const std::filesystem::path& path, std::string_view content);

// The content when the file exists and its checksum line matches, else nothing.
std::optional<std::string> read_checked_file(const std::filesystem::path& path);

}  // namespace util
