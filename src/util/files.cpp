#include "util/files.hpp"

#include "util/error.hpp"

#include <unistd.h>

#include <atomic>
#include <cstdlib>
#include <cstring>
#include <fstream>
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
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    return std::nullopt;
  }
  std::ostringstream out;
  out << in.rdbuf();
  if (in.bad()) {
    return std::nullopt;
  }
  return std::move(out).str();
}

void write_file_atomic(const std::filesystem::path& path, std::string_view content) {
  static std::atomic<unsigned> counter{0};
  std::filesystem::create_directories(path.parent_path());
  auto tmp = path;
  tmp += ".tmp." + std::to_string(::getpid()) + "." + std::to_string(counter++);
  {
    std::ofstream out(tmp, std::ios::binary | std::ios::trunc);
    out.write(content.data(), static_cast<std::streamsize>(content.size()));
    if (!out) {
      throw Error("cannot write " + tmp.string() + ": " + std::strerror(errno));
    }
  }
  std::filesystem::rename(tmp, path);
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
