// Serving a function from its artifact: the artifact's own resolver and provider, plus
// what only Node's rules can answer at run time — a `require` inside an npm package or a
// node_modules folder of the function's own, which the graph walk did not follow —
// answered over the package files the artifact carries.
#include "bundler/file_view.hpp"
#include "bundler/function_artifact.hpp"
#include "bundler/npm/npm.hpp"

namespace bundler {
namespace {

const std::string k_npm_root = std::string(k_artifact_root_path) + "npm";
const std::string k_npm_url = runtime::path_to_file_url(k_npm_root + "/");

}  // namespace

class ArtifactModules::NpmFallback {
 public:
  explicit NpmFallback(const std::shared_ptr<const Artifact>& artifact)
      : m_files(memory_file_view(
            std::shared_ptr<const std::map<std::string, std::string>>(artifact, &artifact->files))),
        m_resolver(NpmResolver::from_lock(artifact->metadata.lock, k_npm_root, m_files)),
        m_node_modules(m_files) {}

  std::optional<std::string> resolve(const std::string& specifier, const std::string& referrer,
                                     runtime::ResolutionKind kind) const {
    auto from = runtime::file_url_to_path(referrer);
    auto path = referrer.starts_with(k_npm_url)
                    ? m_resolver.resolve_from(specifier, from, kind)
                    : resolve_in_node_modules(specifier, from, kind, m_node_modules);
    if (!path) {
      return std::nullopt;
    }
    return path->starts_with("node:") ? *path : runtime::path_to_file_url(*path);
  }

  std::optional<runtime::ModuleSource> load(const std::string& url) const {
    auto path = runtime::file_url_to_path(url);
    auto code = m_files->read(path);
    if (!code) {
      return std::nullopt;
    }
    auto type = runtime::media_type_of(url);
    if (type == runtime::MediaType::javascript && !path.ends_with(".mjs") &&
        m_resolver.is_commonjs(path, *code)) {
      type = runtime::MediaType::commonjs;
    }
    return runtime::ModuleSource{url, std::move(*code), type, {}};
  }

 private:
  std::shared_ptr<FileView> m_files;
  NpmResolver m_resolver;
  NodeResolver m_node_modules;  // the function's own node_modules, carried as files
};

ArtifactModules::ArtifactModules(std::shared_ptr<const Artifact> artifact)
    : m_artifact(std::move(artifact)),
      m_npm(std::make_shared<NpmFallback>(m_artifact)),
      m_resolver(make_artifact_resolver(m_artifact)),
      m_sources(make_artifact_source_provider(m_artifact)) {}

ArtifactModules::~ArtifactModules() = default;

std::string ArtifactModules::folder() const {
  const auto& entrypoint = m_artifact->metadata.entrypoint;
  if (!entrypoint.starts_with("file:")) {
    return std::string(k_artifact_root_path) + "src";
  }
  return std::filesystem::path(runtime::file_url_to_path(entrypoint)).parent_path().string();
}

std::string ArtifactModules::resolve(const std::string& specifier, const std::string& referrer,
                                     runtime::ResolutionKind kind) {
  bool recorded = false;
  // Recorded are what imports resolved to; a require() may pick other "exports" conditions.
  if (auto module = m_artifact->modules.find(referrer);
      module != m_artifact->modules.end() && kind == runtime::ResolutionKind::import) {
    recorded = module->second.dependencies.contains(specifier);
  }
  // What the bundler could not see: a require() inside a package, or of a package in the
  // function's own node_modules.
  if (!recorded && referrer.starts_with("file:") &&
      (referrer.starts_with(k_npm_url) || referrer.find("/node_modules/") != std::string::npos ||
       is_bare_specifier(specifier))) {
    if (auto url = m_npm->resolve(specifier, referrer, kind)) {
      return *url;
    }
  }
  return m_resolver->resolve(specifier, referrer, kind);
}

runtime::ModuleSource ArtifactModules::load(const std::string& url, std::size_t max_bytes) {
  try {
    return m_sources->load(url, max_bytes);
  } catch (const runtime::ModuleNotFound&) {
    if (!url.starts_with(k_npm_url) && url.find("/node_modules/") == std::string::npos) {
      throw;
    }
    auto source = m_npm->load(url);
    if (!source) {
      throw;
    }
    if (source->code.size() > max_bytes) {
      throw util::Error("Module \"" + url + "\" (" + std::to_string(source->code.size()) +
                        " bytes) is larger than the worker's remaining memory");
    }
    return std::move(*source);
  }
}

std::optional<std::size_t> ArtifactModules::read_file(const std::string& path,
                                                      const BufferFor& buffer_for) {
  return m_sources->read_file(path, buffer_for);
}

}  // namespace bundler
