// Resolving specifiers inside an artifact exactly as they resolved when it was built:
// each module carries its own dependency table, so import maps, deno.json, npm's
// node_modules rules and jsr's exports need not be evaluated again at serve time.
#include "bundler/artifact/artifact.hpp"
#include "bundler/artifact/redirects.hpp"
#include "util/error.hpp"

namespace bundler {
namespace {

// The resolver's logic, apart from the runtime's interface. `kind` only reaches the
// fallback: the dependency tables record what each specifier resolved to for the way its
// module used it.
std::string resolve_in_artifact(const Artifact& artifact, const std::string& specifier,
                                const std::string& referrer, runtime::ResolutionKind kind,
                                runtime::ModuleResolver* fallback) {
  if (auto module = artifact.modules.find(referrer); module != artifact.modules.end()) {
    const auto& table = module->second.dependencies;
    if (auto it = table.find(specifier); it != table.end()) {
      return follow_redirects(artifact, it->second);
    }
  }
  if (fallback != nullptr) {
    return follow_redirects(artifact, fallback->resolve(specifier, referrer, kind));
  }
  if (runtime::is_node_builtin(specifier)) {
    return "node:" + specifier;  // as the runtime's own resolver does: the runtime serves it
  }
  std::string url;
  try {
    // Relative and absolute specifiers (a dynamic import the bundler could not see, an
    // import.meta.resolve) still resolve; the provider says if the module is missing.
    url = runtime::resolve_specifier(specifier, referrer);
  } catch (const util::Error&) {
    throw util::Error("Import \"" + specifier + "\" from \"" + referrer +
                      "\" is not in the artifact of \"" + artifact.metadata.slug +
                      "\": an artifact holds only the imports seen when it was built. Import "
                      "it statically (or map it in deno.json) and run `sbfn bundle` again.");
  }
  return follow_redirects(artifact, url);
}

class ArtifactResolver : public runtime::ModuleResolver {
 public:
  ArtifactResolver(std::shared_ptr<const Artifact> artifact,
                   std::shared_ptr<runtime::ModuleResolver> fallback)
      : m_artifact(std::move(artifact)), m_fallback(std::move(fallback)) {}

  std::string resolve(const std::string& specifier, const std::string& referrer,
                      runtime::ResolutionKind kind) override {
    return resolve_in_artifact(*m_artifact, specifier, referrer, kind, m_fallback.get());
  }

 private:
  std::shared_ptr<const Artifact> m_artifact;
  std::shared_ptr<runtime::ModuleResolver> m_fallback;
};

}  // namespace

std::shared_ptr<runtime::ModuleResolver> make_artifact_resolver(
    std::shared_ptr<const Artifact> artifact, std::shared_ptr<runtime::ModuleResolver> fallback) {
  return std::make_shared<ArtifactResolver>(std::move(artifact), std::move(fallback));
}

}  // namespace bundler
