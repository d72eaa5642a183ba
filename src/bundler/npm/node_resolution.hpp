#pragma once

// Node's module resolution over a FileView, as Deno applies it to npm packages
// (../shared/reference/deno.md §3 "Package entry"):
// - `import` uses the conditions deno, node, import, module-sync (+ default) and exact
//   file paths; `require` uses require, node, module-sync (+ default) and probes like
//   Node's CommonJS loader (X, X.js, X.json, X/package.json "main", X/index.js, ...);
// - a package without "exports" enters through "module" (imports in "type": "module"
//   packages), then "main" (+ ".js", "/index.js"), then "index.js";
// - "#x" specifiers go through the nearest package.json's "imports";
// - Node's built-in modules (`fs`, `node:fs`) resolve to their `node:` name.
// Where a bare package lives is the caller's business (the dependency tree, or
// node_modules folders): it passes a PackageLocator.

#include "bundler/npm/package_json.hpp"

#include <functional>
#include <optional>
#include <string>

namespace bundler {

// How a module is asked for; the runtime's module seam has the same two kinds.
enum class ResolutionKind { import, require };

// The folder of package `name` as seen from the file `referrer`, or nullopt when it is
// not there. May throw util::Error to say why (a dependency the tree does not hold).
using PackageLocator =
    std::function<std::optional<std::string>(const std::string& name, const std::string& referrer)>;

class NodeResolver {
 public:
  explicit NodeResolver(std::shared_ptr<FileView> files) : m_package_jsons(std::move(files)) {}

  const PackageJsons& package_jsons() const { return m_package_jsons; }
  const FileView& files() const { return m_package_jsons.files(); }

  // `specifier` imported or required by the file `referrer`: a builtin's "node:" name, or
  // an absolute file path. nullopt when `specifier` names a package `locate` does not
  // find and `referrer`'s own package is not it; other failures throw util::Error with
  // Node's message.
  std::optional<std::string> resolve(const std::string& specifier, const std::string& referrer,
                                     ResolutionKind kind, const PackageLocator& locate) const;

  // The file `subpath` ("" for the entry, else "sub/x") of the package in `folder`.
  std::string resolve_in_package(const std::string& folder, const std::string& subpath,
                                 ResolutionKind kind, const std::string& referrer) const;

 private:
  std::string resolve_path(const std::string& path, ResolutionKind kind,
                           const std::string& specifier, const std::string& referrer) const;
  std::optional<std::string> load_as_file(const std::string& path) const;
  std::optional<std::string> load_as_directory(const std::string& path) const;
  std::string legacy_main(const PackageJson* package, const std::string& folder,
                          ResolutionKind kind, const std::string& referrer) const;

  PackageJsons m_package_jsons;
};

// The conditions Deno uses for `kind`.
const std::vector<std::string>& resolution_conditions(ResolutionKind kind);

// Whether `name` ("fs", "fs/promises", "node:test") is one of Node's built-in modules.
bool is_node_builtin(std::string_view name);

}  // namespace bundler
