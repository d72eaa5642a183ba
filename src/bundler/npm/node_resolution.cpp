#include "bundler/npm/node_resolution.hpp"

#include "bundler/npm/package_exports.hpp"
#include "bundler/npm/paths.hpp"
#include "bundler/npm/specifier.hpp"
#include "util/error.hpp"

namespace bundler {

const std::vector<std::string>& resolution_conditions(ResolutionKind kind) {
  static const std::vector<std::string> import{"deno", "node", "import", "module-sync"};
  static const std::vector<std::string> require{"require", "node", "module-sync"};
  return kind == ResolutionKind::import ? import : require;
}

std::optional<std::string> NodeResolver::resolve(const std::string& specifier,
                                                 const std::string& referrer, ResolutionKind kind,
                                                 const PackageLocator& locate) const {
  if (specifier.rfind("node:", 0) == 0) {
    return specifier;  // the runtime says which built-ins it has
  }
  if (is_node_builtin(specifier)) {
    return "node:" + specifier;  // a bare built-in name always means the built-in
  }
  if (specifier.rfind("#", 0) == 0) {
    const auto* scope = m_package_jsons.scope_of(referrer);
    if (scope == nullptr) {
      throw util::Error("[ERR_PACKAGE_IMPORT_NOT_DEFINED] Package import specifier \"" + specifier +
                        "\" is not defined: no package.json above " + referrer);
    }
    auto match = resolve_package_imports(*scope, specifier, resolution_conditions(kind), referrer);
    if (match.bare) {
      return resolve(match.value, scope->path(), kind, locate);
    }
    return resolve_path(match.value, ResolutionKind::import, specifier, referrer);
  }
  std::string path;
  if (specifier.rfind("file://", 0) == 0) {
    path = npm_paths::normalize(specifier.substr(7));
  } else if (specifier == "." || specifier == ".." || specifier.rfind("./", 0) == 0 ||
             specifier.rfind("../", 0) == 0 || specifier.rfind("/", 0) == 0) {
    path = npm_paths::join(npm_paths::parent(referrer), specifier);
    if (specifier.back() == '/' && kind == ResolutionKind::require) {
      if (auto found = load_as_directory(path)) {
        return found;
      }
      throw util::Error("Cannot find module '" + specifier + "'\nRequire stack:\n- " + referrer);
    }
  }
  if (!path.empty()) {
    return resolve_path(path, kind, specifier, referrer);
  }
  std::string name, subpath;
  if (!split_package_specifier(specifier, name, subpath)) {
    throw util::Error("[ERR_INVALID_MODULE_SPECIFIER] Invalid module \"" + specifier +
                      "\" imported from " + referrer);
  }
  const auto* scope = m_package_jsons.scope_of(referrer);
  // A package may import itself by name (Node's PACKAGE_SELF_RESOLVE).
  if (scope != nullptr && scope->name == name && !scope->exports.is_null()) {
    return resolve_in_package(scope->folder, subpath, kind, referrer);
  }
  if (auto folder = locate(name, referrer)) {
    return resolve_in_package(*folder, subpath, kind, referrer);
  }
  if (scope != nullptr && scope->name == name) {
    return resolve_in_package(scope->folder, subpath, kind, referrer);
  }
  return std::nullopt;
}

std::string NodeResolver::resolve_in_package(const std::string& folder, const std::string& subpath,
                                             ResolutionKind kind,
                                             const std::string& referrer) const {
  const auto* package = m_package_jsons.in_folder(folder);
  if (package != nullptr && !package->exports.is_null()) {
    auto target = resolve_package_exports(*package, subpath.empty() ? "." : "./" + subpath,
                                          resolution_conditions(kind), referrer);
    // An exports target is an exact file, for require() too.
    return resolve_path(target, ResolutionKind::import, target, referrer);
  }
  if (subpath.empty()) {
    return legacy_main(package, folder, kind, referrer);
  }
  return resolve_path(folder + "/" + subpath, kind, subpath, referrer);
}

std::string NodeResolver::resolve_path(const std::string& path, ResolutionKind kind,
                                       const std::string& specifier,
                                       const std::string& referrer) const {
  const auto& files = m_package_jsons.files();
  if (kind == ResolutionKind::require) {
    if (auto found = load_as_file(path)) {
      return *found;
    }
    if (auto found = load_as_directory(path)) {
      return *found;
    }
    throw util::Error("Cannot find module '" + specifier + "'\nRequire stack:\n- " + referrer);
  }
  if (files.is_file(path)) {
    return path;
  }
  if (files.is_directory(path)) {
    throw util::Error("[ERR_UNSUPPORTED_DIR_IMPORT] Directory import '" + path +
                      "' is not supported resolving ES modules imported from " + referrer);
  }
  std::string hint;
  for (const char* extension : {".js", ".mjs", ".cjs", ".json"}) {
    if (files.is_file(path + extension)) {
      hint = " Did you mean to import \"" + specifier + extension + "\"?";
      break;
    }
  }
  if (hint.empty() && files.is_file(path + "/index.js")) {
    hint = " Did you mean to import \"" + specifier + "/index.js\"?";
  }
  throw util::Error("[ERR_MODULE_NOT_FOUND] Cannot find module '" + path + "' imported from '" +
                    referrer + "'." + hint);
}

// Node's LOAD_AS_FILE.
std::optional<std::string> NodeResolver::load_as_file(const std::string& path) const {
  const auto& files = m_package_jsons.files();
  for (const char* extension : {"", ".js", ".json", ".node"}) {
    if (files.is_file(path + extension)) {
      return path + extension;
    }
  }
  return std::nullopt;
}

// Node's LOAD_AS_DIRECTORY: package.json "main" (as a file, then as a folder's index),
// then the folder's own index.
std::optional<std::string> NodeResolver::load_as_directory(const std::string& path) const {
  const auto& files = m_package_jsons.files();
  auto index_of = [&files](const std::string& folder) -> std::optional<std::string> {
    for (const char* index : {"/index.js", "/index.json", "/index.node"}) {
      if (files.is_file(folder + index)) {
        return folder + index;
      }
    }
    return std::nullopt;
  };
  if (!files.is_directory(path)) {
    return std::nullopt;
  }
  const auto* package = m_package_jsons.in_folder(path);
  if (package != nullptr && !package->main.empty()) {
    auto main = npm_paths::join(path, package->main);
    if (auto found = load_as_file(main)) {
      return found;
    }
    if (auto found = index_of(main)) {
      return found;
    }
  }
  return index_of(path);
}

// Deno's legacy_main_resolve for imports ("module" in "type": "module" packages, then
// "main", "main.js", "main/index.js", then "index.js"); Node's LOAD_AS_DIRECTORY for
// require().
std::string NodeResolver::legacy_main(const PackageJson* package, const std::string& folder,
                                      ResolutionKind kind, const std::string& referrer) const {
  if (kind == ResolutionKind::require) {
    if (auto found = load_as_directory(folder)) {
      return *found;
    }
  } else {
    const auto& files = m_package_jsons.files();
    std::string main;
    if (package != nullptr) {
      main =
          package->type == "module" && !package->module.empty() ? package->module : package->main;
    }
    if (!main.empty()) {
      auto path = npm_paths::join(folder, main);
      for (const char* ending : {"", ".js", "/index.js"}) {
        if (files.is_file(path + ending)) {
          return path + ending;
        }
      }
    }
    if (files.is_file(folder + "/index.js")) {
      return folder + "/index.js";
    }
  }
  auto main = package != nullptr && !package->main.empty()
                  ? " (\"main\": \"" + package->main + "\")"
                  : std::string();
  throw util::Error("[ERR_MODULE_NOT_FOUND] Cannot find the entry point of the package in " +
                    folder + main + ": it has no \"exports\", and neither its \"main\" nor " +
                    "index.js exists. Imported from " + referrer);
}

}  // namespace bundler
