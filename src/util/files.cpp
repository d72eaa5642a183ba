#include "util/files.hpp"

#include "util/error.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <sstream>

namespace util {

std::string read_file(const std::filesystem::path& path) {
  auto content = try_read_file(path);
  if (!content) {
    throw Error("cannot read " + path.string() + ": " + std::strerror(errno));
  }
  return std::move(*content);
}

std::optional<std::string> try_read_file(const std::filesystem::path& path) {
  // One allocation of the file's size and straight reads into it: artifacts and npm
  // packages are megabytes, and a stream would copy them several times over.
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    return std::nullopt;
  }
  struct stat info {};
  std::size_t expected =
      ::fstat(fd, &info) == 0 && S_ISREG(info.st_mode) ? static_cast<std::size_t>(info.st_size) : 0;
  std::string content(expected + 1, '\0');  // one spare byte sees EOF in the same read
  std::size_t size = 0;
  for (;;) {
    if (size == content.size()) {
      content.resize(content.size() * 2);
    }
    auto got = ::read(fd, content.data() + size, content.size() - size);
    if (got < 0 && errno == EINTR) {
      continue;
    }
    if (got <= 0) {
      int error = errno;
      ::close(fd);
      if (got < 0) {
        errno = error;
        return std::nullopt;
      }
      break;
    }
    size += static_cast<std::size_t>(got);
  }
  content.resize(size);
  return content;
}

namespace {

[[noreturn]] void fail_write(const std::filesystem::path& tmp, int fd) {
  int error = errno;
  if (fd >= 0) {
    ::close(fd);
  }
  std::error_code ignored;
  std::filesystem::remove(tmp, ignored);
  throw WriteError("cannot write " + tmp.string() + ": " + std::strerror(error), error);
}

// Writes `content` to a new temporary file beside `path` and renames it over `path`. On
// any failure (a full disk among them) the temporary file is removed and `path` is
// untouched: no half-written file is ever left, under either name.
void write_through_temporary(const std::filesystem::path& path, std::string_view content,
                             unsigned mode, bool durable) {
  static std::atomic<unsigned> counter{0};
  auto tmp = path;
  tmp += ".tmp." + std::to_string(::getpid()) + "." + std::to_string(counter++);
  // A name left by a killed process whose pid is ours now is stale: removed, so that the
  // file is made afresh with `mode` (O_EXCL).
  ::unlink(tmp.c_str());
  int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, mode);
  if (fd < 0) {
    fail_write(tmp, -1);
  }
  for (std::size_t written = 0; written < content.size();) {
    auto n = ::write(fd, content.data() + written, content.size() - written);
    if (n < 0 && errno == EINTR) {
      continue;
    }
    if (n <= 0) {
      fail_write(tmp, fd);
    }
    written += static_cast<std::size_t>(n);
  }
  if (durable && ::fsync(fd) != 0) {
    fail_write(tmp, fd);
  }
  // close(2) reports what a file system defers to it (NFS, quotas).
  if (::close(fd) != 0) {
    fail_write(tmp, -1);
  }
  if (::rename(tmp.c_str(), path.c_str()) != 0) {
    fail_write(tmp, -1);
  }
  if (durable) {
    // The rename itself is durable once the folder is.
    int dir = ::open(path.parent_path().c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (dir >= 0) {
      ::fsync(dir);
      ::close(dir);
    }
  }
}

}  // namespace

// Throws WriteError too, as write_file_durable does (ENOSPC: a full cache disk).
void write_file_atomic(const std::filesystem::path& path, std::string_view content) {
  std::filesystem::create_directories(path.parent_path());
  write_through_temporary(path, content, 0666, false);
}

void write_file_durable(const std::filesystem::path& path, std::string_view content,
                        unsigned mode) {
  write_through_temporary(path, content, mode, true);
}

void write_all(int fd, std::string_view text) {
  std::size_t at = 0;
  while (at < text.size()) {
    auto n = ::write(fd, text.data() + at, text.size() - at);
    if (n < 0 && errno == EINTR) {
      continue;
    }
    if (n <= 0) {
      return;
    }
    at += static_cast<std::size_t>(n);
  }
}

bool is_under(const std::filesystem::path& root, const std::filesystem::path& path) {
  auto [root_end, _] = std::mismatch(root.begin(), root.end(), path.begin(), path.end());
  return root_end == root.end();
}

bool is_within(const std::filesystem::path& root, const std::filesystem::path& path) {
  std::error_code ec;
  auto r = std::filesystem::weakly_canonical(root, ec);
  auto p = std::filesystem::weakly_canonical(path, ec);
  return !ec && is_under(r, p);
}

std::filesystem::path cache_dir() {
  if (const char* dir = std::getenv("SBFN_CACHE_DIR"); dir && *dir) {
    return dir;
  }
  if (const char* xdg = std::getenv("XDG_CACHE_HOME"); xdg && *xdg) {
    return std::filesystem::path(xdg) / "sbfn";
  }
  const char* home = std::getenv("HOME");
  return std::filesystem::path(home && *home ? home : "/tmp") / ".cache" / "sbfn";
}

}  // namespace util
