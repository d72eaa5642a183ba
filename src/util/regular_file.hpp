#pragma once

#include <cstddef>
#include <filesystem>
#include <optional>
#include <string>

namespace util {

// A file opened for reading only if it is a regular file. FIFOs, devices and directories
// are refused at open, before any read: a read of /dev/zero never ends and one of a FIFO
// blocks. The size is known before reading, so a caller can refuse what it has no room for.
class RegularFile {
 public:
  enum class Error { none, not_found, not_regular, unreadable };

  explicit RegularFile(const std::filesystem::path& path);
  ~RegularFile();
  RegularFile(const RegularFile&) = delete;
  RegularFile& operator=(const RegularFile&) = delete;

  Error error() const { return m_error; }
  std::size_t size() const { return m_size; }
  // Reads up to `size` bytes into `out`; returns how many were read (fewer when the file
  // shrank meanwhile), or nothing on an I/O error.
  std::optional<std::size_t> read(char* out, std::size_t size);
  // The whole file, when it holds at most `max_bytes`.
  std::optional<std::string> read_all(std::size_t max_bytes);

 private:
  int m_fd = -1;
  std::size_t m_size = 0;
  Error m_error = Error::none;
};

}  // namespace util
