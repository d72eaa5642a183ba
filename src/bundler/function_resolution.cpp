// How a function's specifiers become module URLs: the import map (Supabase's precedence),
// then by scheme — jsr: to the package file's https URL, https: to the URL after its
// redirects, node: as it is, file: confined later by the source provider.
#include "bundler/function_modules.hpp"
#include "util/error.hpp"

namespace bundler {
namespace {

bool is_bare(const std::string& specifier) {
  if (specifier.starts_with("./") || specifier.starts_with("../") || specifier.starts_with("/")) {
    return false;
  }
  auto colon = specifier.find(':');
  auto slash = specifier.find('/');
  return colon == std::string::npos || colon < 2 || (slash != std::string::npos && slash < colon);
}

// Deno's words, and what to add where.
[[noreturn]] void unmapped_bare(const std::string& specifier, const FunctionConfig& config) {
  std::string where = config.import_map_path ? config.import_map_path->string()
                                             : std::string("the function's deno.json");
  throw util::Error("Import \"" + specifier +
                    "\" not a dependency and not in import map\n"
                    "  hint: map it in " +
                    where + ", e.g. \"imports\": { \"" + specifier + "\": \"npm:" + specifier +
                    "\" }, or import \"npm:" + specifier + "\" (or \"jsr:...\") directly");
}

}  // namespace

std::string FunctionModules::resolve_unlocked(const std::string& specifier,
                                              const std::string& referrer,
                                              runtime::ResolutionKind /*kind*/) {
  auto mapped = m_config.import_map.resolve(specifier, referrer);
  if (!mapped) {
    if (is_bare(specifier)) {
      if (runtime::is_node_builtin(specifier)) {
        return "node:" + specifier;  // as Deno 2.9 does
      }
      unmapped_bare(specifier, m_config);
    }
    mapped = runtime::resolve_specifier(specifier, referrer);
  }
  return resolve_scheme(*mapped, specifier, referrer);
}

std::string FunctionModules::resolve_scheme(const std::string& target, const std::string& specifier,
                                            const std::string& referrer) {
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
    throw util::Error("Import \"" + specifier +
                      "\": npm: packages are not supported by this build of sbfn yet");
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
