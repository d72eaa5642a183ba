#pragma once

// package.json files as Node's resolver reads them, through a FileView (the cache, a
// node_modules folder or an artifact), parsed once each. `exports` and `imports` keep
// their key order: condition objects are tried in the order they are written.

#include "bundler/file_view.hpp"

#include <nlohmann/json.hpp>

#include <map>
#include <memory>
#include <mutex>
#include <string>

namespace bundler {

struct PackageJson {
  std::string folder;  // where it is: "/cache/npm/zod@3.23.8"
  std::string name;
  std::string type;    // "module", "commonjs" or ""
  std::string main;    // trimmed; "" when absent
  std::string module;  // the bundlers' ESM entry; Deno uses it for imports in "type": "module"
  nlohmann::ordered_json exports;  // null when absent
  nlohmann::ordered_json imports;  // null when absent

  std::string path() const { return folder + "/package.json"; }
};

class PackageJsons {
 public:
  explicit PackageJsons(std::shared_ptr<FileView> files) : m_files(std::move(files)) {}

  const FileView& files() const { return *m_files; }

  // The package.json in `folder`, or nullptr. Throws util::Error naming the file when it
  // is not valid JSON.
  const PackageJson* in_folder(const std::string& folder) const;
  // Node's LOOKUP_PACKAGE_SCOPE: the nearest package.json at or above the folder of
  // `path`, not looking past a `node_modules` folder.
  const PackageJson* scope_of(const std::string& path) const;

 private:
  std::shared_ptr<FileView> m_files;
  // Shared by the workers that resolve through one resolver at serve time.
  mutable std::mutex m_mutex;
  mutable std::map<std::string, std::unique_ptr<PackageJson>> m_parsed;
};

}  // namespace bundler
