// How a function's specifiers become module URLs: the import map (Supabase's precedence),
// then by scheme — jsr: to the package file's https URL, https: to the URL after its
// redirects, node: as it is, file: confined later by the source provider.
#include "bundler/function_modules.hpp"
#include "util/error.hpp"

namespace bundler {
namespace {

// Deno's words, and what to add where.
[[noreturn]] void unmapped_bare(const std::string& specifier, const FunctionConfig& config) {
  std::string where = config.import_map_path ? config.import_map_path->string()
                                             : std::string("the function's deno.json");
  throw util::Error("Import \"" + specifier +
                    "\" not a dependency and not in import map\n"
                    "  hint: map it in " +
                    where + ", e.g. \"imports\": { \"" + specifier + "\": \"npm:" + specifier +
                    "\" }, or import \"npm:" + specifier + "\" (or \"jsr:...\") directly" +
                    (config.package_json ? ", or add it to " + config.package_json->string() +
                                               " and run `npm install`"
                                         : std::string()));
}

std::string as_url(const std::string& path) {
  return path.starts_with("node:") ? path : runtime::path_to_file_url(path);
}

// "@scope/name" or "name": the package a bare specifier ("name/sub/path") names.
std::string package_name_of(const std::string& specifier) {
  auto slash = specifier.find('/');
  if (specifier.starts_with("@") && slash != std::string::npos) {
    slash = specifier.find('/', slash + 1);
  }
  return specifier.substr(0, slash);
}

// Whether a package.json requirement is a registry range ("^1.2", "latest"), not a
// "file:", "git+", "workspace:" or URL one that only a package manager can install.
bool is_npm_requirement(const std::string& req) {
  return req.find(':') == std::string::npos && req.find('/') == std::string::npos;
}

}  // namespace

bool is_bare_specifier(const std::string& specifier) {
  if (specifier.starts_with("./") || specifier.starts_with("../") || specifier.starts_with("/")) {
    return false;
  }
  auto colon = specifier.find(':');
  auto slash = specifier.find('/');
  return colon == std::string::npos || colon < 2 || (slash != std::string::npos && slash < colon);
}

std::string FunctionModules::resolve_unlocked(const std::string& specifier,
                                              const std::string& referrer,
                                              runtime::ResolutionKind kind) {
  // Inside an npm package, Node's rules and the package's own dependencies apply.
  if (referrer.starts_with("file:") && m_npm) {
    if (auto path = m_npm->resolve_from(specifier, runtime::file_url_to_path(referrer), kind)) {
      return as_url(*path);
    }
  }
  // So they do inside a node_modules folder of the function's own.
  if (m_node_modules && referrer.starts_with("file:") &&
      referrer.find("/node_modules/") != std::string::npos) {
    if (auto path = resolve_in_node_modules(specifier, runtime::file_url_to_path(referrer), kind,
                                            *m_node_modules)) {
      return as_url(*path);
    }
  }
  auto mapped = m_config.import_map.resolve(specifier, referrer);
  if (!mapped) {
    if (is_bare_specifier(specifier)) {
      return resolve_bare(specifier, referrer, kind);
    }
    mapped = runtime::resolve_specifier(specifier, referrer);
  }
  return resolve_scheme(*mapped, specifier, referrer, kind);
}

std::string FunctionModules::resolve_bare(const std::string& specifier, const std::string& referrer,
                                          runtime::ResolutionKind kind) {
  if (runtime::is_node_builtin(specifier)) {
    return "node:" + specifier;  // as Deno 2.9 does
  }
  auto name = package_name_of(specifier);
  auto declared = m_config.package_dependencies.find(name);
  if (m_node_modules) {
    if (referrer.starts_with("file:")) {
      if (auto path = resolve_in_node_modules(specifier, runtime::file_url_to_path(referrer), kind,
                                              *m_node_modules)) {
        return as_url(*path);
      }
    }
    if (declared != m_config.package_dependencies.end()) {
      auto folder = m_config.package_json->parent_path().string();
      throw util::Error("Could not resolve \"" + specifier +
                        "\", but found it in a package.json. sbfn expects the node_modules/ "
                        "directory to be up to date: run `npm install` in " +
                        folder +
                        " (or set \"nodeModulesDir\": \"auto\" in deno.json to have "
                        "sbfn install package.json dependencies itself).");
    }
  } else if (declared != m_config.package_dependencies.end()) {
    // Without node_modules, a package.json dependency is an npm: requirement.
    if (declared->second.starts_with("file:")) {
      throw util::Error(
          "Importing npm packages via a file: specifier is only supported with "
          "--node-modules-dir=manual (\"" +
          specifier + "\" is \"" + declared->second + "\" in " + m_config.package_json->string() +
          ")");
    }
    if (is_npm_requirement(declared->second)) {
      auto target = "npm:" + name + "@" + declared->second + specifier.substr(name.size());
      return resolve_scheme(target, specifier, referrer, kind);
    }
  }
  unmapped_bare(specifier, m_config);
}

std::string FunctionModules::resolve_scheme(const std::string& target, const std::string& specifier,
                                            const std::string& referrer,
                                            runtime::ResolutionKind kind) {
  // Types only (`import "jsr:@supabase/functions-js/edge-runtime.d.ts"`): an empty module
  // for the loader, and no registry is asked anything.
  if (runtime::media_type_of(target) == runtime::MediaType::declaration) {
    return target;
  }
  if (target.starts_with("jsr:")) {
    if (m_jsr->owns(referrer)) {
      m_jsr->record_dependency(referrer, target);
    }
    auto reference = parse_package_req_reference(target, "jsr");
    if (auto member = m_config.resolve_workspace_package(reference)) {
      return *member;
    }
    return m_jsr->resolve(reference);
  }
  if (target.starts_with("npm:")) {
    if (m_jsr->owns(referrer)) {
      m_jsr->record_dependency(referrer, target);
    }
    auto npm = parse_npm_specifier(target);
    try {
      m_npm->install({npm});
      return runtime::path_to_file_url(m_npm->resolve(npm, kind));
    } catch (const util::Error& error) {
      throw util::Error("Import \"" + target + "\" failed: " + error.what());
    }
  }
  if (target.starts_with("https:") || target.starts_with("http:")) {
    if (m_jsr->owns(target)) {
      return target;
    }
    return m_remote->fetch(target).url;  // the identity is the URL after redirects
  }
  return target;
}

}  // namespace bundler
