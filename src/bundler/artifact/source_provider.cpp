// Serving a worker's modules and Deno.readFile from an artifact in memory: nothing is
// read from disk and nothing is fetched. Deno.readFile goes through the runtime's own
// in-memory provider, so its rules and messages are the runtime's: the function's folder
// (here the entrypoint's folder below /sbfn/) and, as `serve` allows from sources, the
// static files wherever they lie; the memory budget respected.
#include "bundler/artifact/artifact.hpp"
#include "bundler/artifact/media_type_names.hpp"
#include "bundler/artifact/redirects.hpp"
#include "runtime/runtime.hpp"
#include "util/files.hpp"

#include <map>

namespace bundler {
namespace {

// Long URLs and paths are cut in messages, as the runtime's own providers do.
std::string clip(const std::string& text) {
  constexpr std::size_t k_max = 256;
  return text.size() <= k_max ? text : text.substr(0, k_max) + "...";
}

// The folder Deno.readFile may read: the entrypoint's. A remote entrypoint has none.
std::filesystem::path function_folder(const Artifact& artifact) {
  const auto& entrypoint = artifact.metadata.entrypoint;
  if (entrypoint.rfind(k_artifact_root_url, 0) != 0) {
    return {};
  }
  return std::filesystem::path(runtime::file_url_to_path(entrypoint)).parent_path();
}

// Files Deno.readFile may read, by file: URL as the memory provider keys them, below
// `root`: with `statics`, the static files (root "/": they may lie anywhere); without, the
// other files below the function's folder. The rest could never be read: not copied.
std::shared_ptr<runtime::ModuleSourceProvider> readable_files(const Artifact& artifact,
                                                              const std::filesystem::path& root,
                                                              bool statics) {
  std::map<std::string, std::string> files;
  for (const auto& [path, bytes] : artifact.files) {
    bool is_static = artifact.metadata.static_files.contains(path);
    if (statics ? is_static : !root.empty() && !is_static && util::is_under(root, path)) {
      files.emplace(runtime::path_to_file_url(path), bytes);
    }
  }
  return runtime::make_memory_source_provider(std::move(files), root);
}

class ArtifactSourceProvider : public runtime::ModuleSourceProvider {
 public:
  explicit ArtifactSourceProvider(std::shared_ptr<const Artifact> artifact)
      : m_artifact(std::move(artifact)),
        m_folder(function_folder(*m_artifact)),
        m_files(readable_files(*m_artifact, m_folder, false)),
        m_static_files(readable_files(*m_artifact, "/", true)),
        m_serve_code_caches(m_artifact->metadata.code_cache_key == current_code_cache_key()) {}

  runtime::ModuleSource load(const std::string& requested, std::size_t max_bytes) override {
    auto url = follow_redirects(*m_artifact, requested);
    auto it = m_artifact->modules.find(url);
    if (it == m_artifact->modules.end()) {
      throw runtime::ModuleNotFound(
          "Module not found \"" + clip(url) + "\": the artifact of \"" + m_artifact->metadata.slug +
          "\" does not hold it (it was not imported when the artifact was built; "
          "run `sbfn bundle` again)");
    }
    const auto& module = it->second;
    if (module.code.size() > max_bytes) {
      throw util::Error("Module \"" + clip(url) + "\" (" + std::to_string(module.code.size()) +
                        " bytes) is larger than the worker's remaining memory");
    }
    // The stored code is already transpiled: it is served as what it now is, so the
    // loader does not transpile it again (and the code cache stays paired with it).
    return {url, module.code, compiled_media_type(module.media_type),
            m_serve_code_caches ? module.code_cache : std::string()};
  }

  std::optional<std::size_t> read_file(const std::string& name,
                                       const BufferFor& buffer_for) override {
    if (!m_folder.empty()) {
      auto path = (m_folder / name).lexically_normal();  // `name` may be absolute: kept
      if (m_artifact->metadata.static_files.contains(path.string())) {
        return m_static_files->read_file(path.string(), buffer_for);
      }
    }
    return m_files->read_file(name, buffer_for);
  }

 private:
  std::shared_ptr<const Artifact> m_artifact;
  std::filesystem::path m_folder;
  std::shared_ptr<runtime::ModuleSourceProvider> m_files;
  std::shared_ptr<runtime::ModuleSourceProvider> m_static_files;
  bool m_serve_code_caches;
};

}  // namespace

std::string current_code_cache_key() {
  // TODO(cleanup): add the flags once the runtime exposes them (or V8's
  // ScriptCompiler::CachedDataVersionTag, which hashes version and flags).
  return std::string("V8 ") + runtime::v8_version();
}

std::shared_ptr<runtime::ModuleSourceProvider> make_artifact_source_provider(
    std::shared_ptr<const Artifact> artifact) {
  return std::make_shared<ArtifactSourceProvider>(std::move(artifact));
}

}  // namespace bundler
