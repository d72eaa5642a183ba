#pragma once

// A read-only view of files by absolute path: the disk for `serve` from sources (npm
// packages in the cache, a node_modules folder), an artifact's contents for `serve
// --bundle`. Node's resolution algorithm runs over it, so it works the same on both.

#include <map>
#include <memory>
#include <optional>
#include <string>

namespace bundler {

class FileView {
 public:
  virtual ~FileView() = default;
  // Paths are absolute and normalised ("/a/b/c.js"), never ending in "/".
  virtual bool is_file(const std::string& path) const = 0;
  virtual bool is_directory(const std::string& path) const = 0;
  virtual std::optional<std::string> read(const std::string& path) const = 0;
};

// The local disk (symlinks followed, as Node does for node_modules).
std::shared_ptr<FileView> disk_file_view();

// Files held in memory; every parent folder of a file is a directory.
std::shared_ptr<FileView> memory_file_view(std::map<std::string, std::string> files);
// The same over a map someone else holds (an artifact's files), without a copy.
std::shared_ptr<FileView> memory_file_view(
    std::shared_ptr<const std::map<std::string, std::string>> files);

}  // namespace bundler
