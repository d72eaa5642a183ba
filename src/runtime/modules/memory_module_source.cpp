// Modules and files held in memory: inline code (a main service's `maybeModuleCode`) and
// module tests, with no folder on disk. Reads follow the same rules as the disk's: the
// function's folder only, module extensions only, the memory budget respected.
#include "runtime/modules/module_source.hpp"
#include "runtime/v8_util.hpp"
#include "util/files.hpp"

#include <cstring>

namespace runtime {
namespace {

class MemorySourceProvider : public ModuleSourceProvider {
 public:
  MemorySourceProvider(std::map<std::string, std::string> files, std::filesystem::path root)
      : m_files(std::move(files)), m_root(std::move(root)) {}

  ModuleSource load(const std::string& url, std::size_t max_bytes) override {
    auto it = m_files.find(url);
    if (it == m_files.end()) {
      throw ModuleNotFound("Module not found \"" + clip(url) + "\"");
    }
    if (it->second.size() > max_bytes) {
      throw util::Error("Module \"" + clip(url) + "\" (" + std::to_string(it->second.size()) +
                        " bytes) is larger than the worker's remaining memory");
    }
    return {url, it->second, media_type_of(url), {}};
  }

  std::optional<std::size_t> read_file(const std::string& name,
                                       const BufferFor& buffer_for) override {
    std::filesystem::path path = name;
    if (path.is_relative()) {
      path = m_root / path;
    }
    path = path.lexically_normal();
    if (m_root.empty() || !util::is_under(m_root.lexically_normal(), path)) {
      throw FileReadError("PermissionDenied", "Requires read access to \"" +
                                                  clip(path.string(), 256) +
                                                  "\", which is outside the function's folder");
    }
    auto it = m_files.find(path_to_file_url(path.string()));
    if (it == m_files.end()) {
      throw FileReadError("NotFound", "No such file or directory (os error 2): readfile '" +
                                          clip(path.string(), 256) + "'");
    }
    auto* buffer = buffer_for(it->second.size());
    if (buffer == nullptr) {
      return std::nullopt;
    }
    std::memcpy(buffer, it->second.data(), it->second.size());
    return it->second.size();
  }

 private:
  std::map<std::string, std::string> m_files;
  std::filesystem::path m_root;
};

}  // namespace

std::shared_ptr<ModuleSourceProvider> make_memory_source_provider(
    std::map<std::string, std::string> files, std::filesystem::path root) {
  return std::make_shared<MemorySourceProvider>(std::move(files), std::move(root));
}

}  // namespace runtime
