// Local module files, confined to the project the way Deno.readFile is confined to the
// function's folder: an import is a read, so it must not reach the rest of the host.
#include "runtime/modules/module_source.hpp"
#include "util/files.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>

namespace runtime {
namespace {

namespace fs = std::filesystem;

[[noreturn]] void deny(const fs::path& path, const std::string& why) {
  throw ModuleAccessDenied("Requires read access to \"" + path.string() + "\", which " + why);
}

class FileSourceProvider : public ModuleSourceProvider {
 public:
  explicit FileSourceProvider(std::vector<fs::path> roots) {
    // Each root as given and as the disk sees it, so that a project reached through a
    // symlinked folder still matches before and after resolution.
    for (auto& root : roots) {
      if (root.empty()) {
        continue;
      }
      auto absolute = fs::absolute(root).lexically_normal();
      if (!absolute.has_filename()) {
        absolute = absolute.parent_path();  // "dir/" would match nothing below it
      }
      std::error_code ec;
      auto real = fs::canonical(absolute, ec);
      m_roots.push_back(absolute);
      if (!ec) {
        m_roots.push_back(real);
      }
    }
  }

  ModuleSource load(const std::string& url) override {
    if (url.rfind("file:", 0) != 0) {
      throw util::Error("Import '" + url +
                        "' is not supported yet: remote modules (jsr:, npm:, https:) are not "
                        "available in this version of sbfn");
    }
    auto path = fs::path(file_url_to_path(url)).lexically_normal();
    // Checked before the disk is asked anything, so that the answer for a path outside
    // never tells whether it exists.
    if (!allowed(path)) {
      deny(path, "is outside the project (the functions folder)");
    }
    std::error_code ec;
    auto real = fs::canonical(path, ec);
    if (ec) {
      throw util::Error("Module not found \"" + url + "\"");
    }
    if (!allowed(real)) {
      deny(path, "leads outside the project (the functions folder) through a symlink");
    }
    // O_NONBLOCK: opening a FIFO must not hang the worker; fstat then refuses it.
    int fd = ::open(real.c_str(), O_RDONLY | O_CLOEXEC | O_NONBLOCK);
    if (fd < 0) {
      throw util::Error("Module not found \"" + url + "\"");
    }
    struct stat info {};
    if (::fstat(fd, &info) != 0 || !S_ISREG(info.st_mode)) {
      ::close(fd);
      deny(path, "is not a regular file");
    }
    std::string code;
    code.resize(static_cast<std::size_t>(info.st_size));
    std::size_t filled = 0;
    for (;;) {
      if (filled == code.size()) {
        code.resize(code.size() + 4096);  // the file grew since fstat
      }
      auto n = ::read(fd, code.data() + filled, code.size() - filled);
      if (n < 0 && errno == EINTR) {
        continue;
      }
      if (n <= 0) {
        break;
      }
      filled += static_cast<std::size_t>(n);
    }
    ::close(fd);
    code.resize(filled);
    return {url, std::move(code), media_type_of(url)};
  }

 private:
  bool allowed(const fs::path& path) const {
    return std::any_of(m_roots.begin(), m_roots.end(),
                       [&](const fs::path& root) { return util::is_under(root, path); });
  }

  std::vector<fs::path> m_roots;
};

}  // namespace

std::unique_ptr<ModuleSourceProvider> make_file_source_provider(std::vector<fs::path> roots) {
  return std::make_unique<FileSourceProvider>(std::move(roots));
}

}  // namespace runtime
