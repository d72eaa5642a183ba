#include "bundler/file_view.hpp"

#include "util/files.hpp"

#include <filesystem>
#include <set>

namespace fs = std::filesystem;

namespace bundler {
namespace {

class DiskFileView : public FileView {
 public:
  bool is_file(const std::string& path) const override {
    std::error_code ec;
    return fs::is_regular_file(path, ec);
  }
  bool is_directory(const std::string& path) const override {
    std::error_code ec;
    return fs::is_directory(path, ec);
  }
  std::optional<std::string> read(const std::string& path) const override {
    if (!is_file(path)) {
      return std::nullopt;
    }
    return util::try_read_file(path);
  }
};

class MemoryFileView : public FileView {
 public:
  explicit MemoryFileView(std::shared_ptr<const std::map<std::string, std::string>> files)
      : m_files(std::move(files)) {
    for (const auto& [path, _] : *m_files) {
      for (auto slash = path.rfind('/'); slash != std::string::npos && slash > 0;
           slash = path.rfind('/', slash - 1)) {
        m_directories.insert(path.substr(0, slash));
      }
      m_directories.insert("/");
    }
  }
  bool is_file(const std::string& path) const override { return m_files->count(path) != 0; }
  bool is_directory(const std::string& path) const override {
    return m_directories.count(path) != 0;
  }
  std::optional<std::string> read(const std::string& path) const override {
    auto it = m_files->find(path);
    if (it == m_files->end()) {
      return std::nullopt;
    }
    return it->second;
  }

 private:
  std::shared_ptr<const std::map<std::string, std::string>> m_files;
  std::set<std::string> m_directories;
};

}  // namespace

std::shared_ptr<FileView> disk_file_view() {
  return std::make_shared<DiskFileView>();
}

std::shared_ptr<FileView> memory_file_view(std::map<std::string, std::string> files) {
  return memory_file_view(
      std::make_shared<const std::map<std::string, std::string>>(std::move(files)));
}

std::shared_ptr<FileView> memory_file_view(
    std::shared_ptr<const std::map<std::string, std::string>> files) {
  return std::make_shared<MemoryFileView>(std::move(files));
}

}  // namespace bundler
