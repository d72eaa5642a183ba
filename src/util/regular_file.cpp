#include "util/regular_file.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>

namespace util {

RegularFile::RegularFile(const std::filesystem::path& path) {
  // O_NONBLOCK: opening a FIFO without a writer would otherwise wait for one.
  m_fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NONBLOCK | O_NOCTTY);
  if (m_fd < 0) {
    m_error = errno == ENOENT || errno == ENOTDIR ? Error::not_found : Error::unreadable;
    return;
  }
  struct stat info {};
  if (::fstat(m_fd, &info) != 0) {
    m_error = Error::unreadable;
  } else if (!S_ISREG(info.st_mode)) {
    m_error = Error::not_regular;
  } else {
    m_size = static_cast<std::size_t>(info.st_size);
  }
}

RegularFile::~RegularFile() {
  if (m_fd >= 0) {
    ::close(m_fd);
  }
}

std::optional<std::size_t> RegularFile::read(char* out, std::size_t size) {
  if (m_error != Error::none) {
    return std::nullopt;
  }
  std::size_t done = 0;
  while (done < size) {
    auto got = ::read(m_fd, out + done, size - done);
    if (got < 0 && errno == EINTR) {
      continue;
    }
    if (got < 0) {
      return std::nullopt;
    }
    if (got == 0) {
      break;
    }
    done += static_cast<std::size_t>(got);
  }
  return done;
}

std::optional<std::string> RegularFile::read_all(std::size_t max_bytes) {
  if (m_error != Error::none || m_size > max_bytes) {
    return std::nullopt;
  }
  std::string content(m_size, '\0');
  auto got = read(content.data(), content.size());
  if (!got) {
    return std::nullopt;
  }
  content.resize(*got);
  return content;
}

}  // namespace util
