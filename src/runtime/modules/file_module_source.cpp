// Local module files, confined to the project the way Deno.readFile is confined to the
// function's folder: an import is a read, so it must not reach the rest of the host.
#include "runtime/modules/module_source.hpp"
#include "runtime/v8_util.hpp"
#include "util/files.hpp"
#include "util/regular_file.hpp"

#include <algorithm>
#include <cstdint>
#include <set>

namespace runtime {
namespace {

namespace fs = std::filesystem;

// What Deno loads as a module; anything else (`.env`, `.txt`, no extension) is refused
// before it is read, as Deno does: compiled as JavaScript, `KEY=secret` would come back
// as "secret is not defined".
bool is_module_file(const fs::path& path) {
  static const std::set<std::string> k_extensions = {".ts",  ".mts", ".cts", ".tsx",  ".js",
                                                     ".mjs", ".cjs", ".jsx", ".json", ".wasm"};
  return k_extensions.count(path.extension().string()) > 0;
}

[[noreturn]] void deny(const fs::path& path, const std::string& why) {
  throw ModuleAccessDenied("Requires read access to \"" + path.string() + "\", which " + why);
}

class FileSourceProvider : public ModuleSourceProvider {
 public:
  FileSourceProvider(std::vector<fs::path> roots, fs::path read_root)
      : m_read_root(std::move(read_root)) {
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

  ModuleSource load(const std::string& url, std::size_t max) override {
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
    if (!is_module_file(path)) {
      throw util::Error(
          "Expected a JavaScript or TypeScript module, but identified an Unknown "
          "module. Importing these types of modules is not supported.\n"
          "  Specifier: " +
          url);
    }
    std::error_code ec;
    auto real = fs::canonical(path, ec);
    if (ec) {
      throw ModuleNotFound("Module not found \"" + url + "\"");
    }
    if (!allowed(real)) {
      deny(path, "leads outside the project (the functions folder) through a symlink");
    }
    // Regular files only: a FIFO or device would block or never end.
    util::RegularFile file(real);
    if (file.error() == util::RegularFile::Error::not_regular) {
      deny(path, "is not a regular file");
    }
    if (file.error() == util::RegularFile::Error::none && file.size() > max) {
      throw util::Error("Module \"" + clip(url) + "\" (" + std::to_string(file.size()) +
                        " bytes) is larger than the worker's remaining memory");
    }
    auto code = file.read_all(max);
    if (!code) {
      throw ModuleNotFound("Module not found \"" + clip(url) + "\"");
    }
    return {url, std::move(*code), media_type_of(url), {}};
  }

  std::optional<std::size_t> read_file(const std::string& name,
                                       const BufferFor& buffer_for) override {
    fs::path path = name;
    if (path.is_relative()) {
      path = m_read_root / path;
    }
    if (m_read_root.empty() || !util::is_within(m_read_root, path)) {
      throw FileReadError("PermissionDenied", "Requires read access to \"" +
                                                  clip(path.string(), 256) +
                                                  "\", which is outside the function's folder");
    }
    auto quoted = clip(path.string(), 256);
    util::RegularFile file(path);
    switch (file.error()) {
      case util::RegularFile::Error::none:
        break;
      case util::RegularFile::Error::not_found:
        throw FileReadError("NotFound",
                            "No such file or directory (os error 2): readfile '" + quoted + "'");
      case util::RegularFile::Error::not_regular:
        throw FileReadError("InvalidData",
                            "Not a regular file: readfile '" + quoted +
                                "' (devices, FIFOs and directories cannot be read whole)");
      case util::RegularFile::Error::unreadable:
        throw FileReadError("PermissionDenied", "Cannot read '" + quoted + "'");
    }
    auto* buffer = buffer_for(file.size());
    if (buffer == nullptr) {
      return std::nullopt;
    }
    auto got = file.read(buffer, file.size());
    if (!got) {
      throw FileReadError("PermissionDenied", "Cannot read '" + quoted + "'");
    }
    return *got;
  }

 private:
  bool allowed(const fs::path& path) const {
    return std::any_of(m_roots.begin(), m_roots.end(),
                       [&](const fs::path& root) { return util::is_under(root, path); });
  }

  std::vector<fs::path> m_roots;
  fs::path m_read_root;
};

}  // namespace

std::shared_ptr<ModuleSourceProvider> make_file_source_provider(std::vector<fs::path> import_roots,
                                                                fs::path read_root) {
  return std::make_shared<FileSourceProvider>(std::move(import_roots), std::move(read_root));
}

}  // namespace runtime
