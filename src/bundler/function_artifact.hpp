#pragma once

// A function as one `.sbfn` artifact (artifact/artifact.hpp): built from its prepared
// module graph by `sbfn bundle`, and served back by `sbfn serve --bundle` with no network
// and no source tree.

#include "bundler/artifact/artifact.hpp"
#include "bundler/function_modules.hpp"

#include <memory>
#include <string>

namespace bundler {

struct BundleOptions {
  bool verify_jwt = true;
  bool code_cache = true;  // a V8 code cache per ES module, for this sbfn's V8
};

// Walks and downloads the graph (FunctionModules::prepare), then gathers every module
// (transpiled, with its source map, dependency table and code cache), the npm packages'
// files and the static files, rebased onto the artifact's virtual root. Throws
// util::Error for what cannot be resolved or lies outside the project root.
Artifact build_artifact(FunctionModules& modules, const BundleOptions& options);

// The runtime's module seam over an artifact: its recorded resolution, and for what the
// bundler could not see (a `require` inside an npm package) Node's rules over the
// packages it carries; modules from its table, npm package files from its files.
class ArtifactModules : public runtime::ModuleResolver, public runtime::ModuleSourceProvider {
 public:
  explicit ArtifactModules(std::shared_ptr<const Artifact> artifact);
  ~ArtifactModules() override;

  const Artifact& artifact() const { return *m_artifact; }
  // The entrypoint's folder below the virtual root: the worker's root.
  std::string folder() const;

  std::string resolve(const std::string& specifier, const std::string& referrer,
                      runtime::ResolutionKind kind) override;
  runtime::ModuleSource load(const std::string& url, std::size_t max_bytes) override;
  std::optional<std::size_t> read_file(const std::string& path,
                                       const BufferFor& buffer_for) override;

 private:
  class NpmFallback;
  std::shared_ptr<const Artifact> m_artifact;
  std::shared_ptr<NpmFallback> m_npm;
  std::shared_ptr<runtime::ModuleResolver> m_resolver;
  std::shared_ptr<runtime::ModuleSourceProvider> m_sources;
};

}  // namespace bundler
