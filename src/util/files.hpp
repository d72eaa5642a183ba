#pragma once

#include "util/error.hpp"

#include <filesystem>
#include <optional>
#include <string>
#include <string_view>

namespace util {

// Reads a whole file; throws util::Error naming the file when it cannot.
std::string read_file(const std::filesystem::path& path);

// Reads a whole file, or nothing when it does not exist or cannot be read.
std::optional<std::string> try_read_file(const std::filesystem::path& path);

// Writes through a temporary file and a rename, so readers never see half a file.
void write_file_atomic(const std::filesystem::path& path, std::string_view content);

// What write_file_durable throws: the message names the file and the system's reason,
// `code` is its errno (ENOSPC for a full disk).
class WriteError : public Error {
 public:
  WriteError(const std::string& message, int code) : Error(message), code(code) {}
  int code;
};

// write_file_atomic for state that must survive a crash: the file is created with `mode`,
// and its data and the rename are on the disk when this returns. Throws WriteError; the
// old file is then untouched.
void write_file_durable(const std::filesystem::path& path, std::string_view content,
                        unsigned mode = 0600);

// Writes all of `text` to `fd`, retrying short writes; stops quietly at an error (for
// progress lines and the like, which are best effort).
void write_all(int fd, std::string_view text);

// True when `path` lies inside `root` (or is it), comparing the paths as written.
bool is_under(const std::filesystem::path& root, const std::filesystem::path& path);

// is_under() after making both absolute and resolving symlinks: for sandbox checks.
bool is_within(const std::filesystem::path& root, const std::filesystem::path& path);

// `$SBFN_CACHE_DIR`, else `$XDG_CACHE_HOME/sbfn`, else `~/.cache/sbfn`.
std::filesystem::path cache_dir();

}  // namespace util
