// Building a function's artifact: the prepared graph's modules as the loader would run
// them, with every path of this machine replaced by the artifact's virtual root.
#include "bundler/function_artifact.hpp"

#include "bundler/npm/npm.hpp"
#include "runtime/tools.hpp"
#include "util/error.hpp"
#include "util/files.hpp"

#include <algorithm>
#include <filesystem>
#include <set>
#include <utility>
#include <vector>

namespace bundler {
namespace {

namespace fs = std::filesystem;

// Where each local path goes below /sbfn/: npm packages by their layout folder (what
// NpmResolver::from_lock expects), the rest by its path from the project root.
class Rebase {
 public:
  Rebase(const fs::path& project_root, const std::vector<InstalledNpmPackage>& packages)
      : m_project_root(project_root.lexically_normal()) {
    for (const auto& package : packages) {
      if (package.installed && !package.folder.empty()) {
        m_packages.emplace_back(fs::path(package.folder).lexically_normal(), package.layout_folder);
      }
    }
  }

  std::string path(const fs::path& absolute) const {
    auto normal = absolute.lexically_normal();
    for (const auto& [folder, layout] : m_packages) {
      if (util::is_under(folder, normal)) {
        return below("npm/" + layout, normal.lexically_relative(folder));
      }
    }
    if (util::is_under(m_project_root, normal)) {
      return below("src", normal.lexically_relative(m_project_root));
    }
    throw util::Error(normal.string() + " lies outside the project (" + m_project_root.string() +
                      "): an artifact holds only files below the project root. Move it into "
                      "the project, or run `sbfn bundle` from a folder above it.");
  }

  std::string url(const std::string& url) const {
    if (!url.starts_with("file:")) {
      return url;
    }
    return runtime::path_to_file_url(path(runtime::file_url_to_path(url)));
  }

 private:
  static std::string below(const std::string& area, const fs::path& relative) {
    auto text = relative.generic_string();
    return std::string(k_artifact_root_path) + area + (text == "." ? "" : "/" + text);
  }

  fs::path m_project_root;
  std::vector<std::pair<fs::path, std::string>> m_packages;
};

bool is_es_module(runtime::MediaType type) {
  using runtime::MediaType;
  return type == MediaType::javascript || type == MediaType::jsx || type == MediaType::typescript ||
         type == MediaType::tsx;
}

ArtifactModule artifact_module(FunctionModules& modules, const GraphModule& graph,
                               const std::string& url, const Rebase& rebase,
                               const BundleOptions& options) {
  ArtifactModule module;
  module.media_type = graph.media_type;
  for (const auto& [specifier, target] : graph.dependencies) {
    module.dependencies.emplace(specifier, rebase.url(target));
  }
  if (graph.media_type == runtime::MediaType::wasm) {
    // The bytes run as they are (the runtime compiles them); stored once, as `code`.
    module.code = modules.load(graph.url, std::size_t{1} << 31).code;
    return module;
  }
  module.original_source = modules.load(graph.url, std::size_t{1} << 31).code;
  if (!is_es_module(graph.media_type)) {
    module.code = module.original_source;  // JSON and CommonJS run as they are
    return module;
  }
  module.code = runtime::transpile_module(url, module.original_source, graph.media_type);
  module.source_map = runtime::transpiled_source_map(url, module.original_source, graph.media_type);
  if (options.code_cache) {
    module.code_cache = runtime::module_code_cache(url, module.code);
  }
  return module;
}

// Files of a package nothing loads at run time: type declarations, source maps,
// TypeScript build state, documentation. Often more than half of a package's bytes.
bool never_loaded(const fs::path& path) {
  auto name = path.filename().string();
  for (std::string_view suffix : {".d.ts", ".d.mts", ".d.cts", ".map", ".tsbuildinfo", ".md"}) {
    if (name.ends_with(suffix)) {
      return true;
    }
  }
  return false;
}

// The files of a package folder a function may load, by their paths below the virtual root.
void add_package(const fs::path& folder, const Rebase& rebase,
                 std::map<std::string, std::string>& files) {
  for (const auto& entry : fs::recursive_directory_iterator(folder)) {
    if (entry.is_regular_file() && !never_loaded(entry.path())) {
      files.emplace(rebase.path(entry.path()), util::read_file(entry.path()));
    }
  }
}

// The folder of the package a file below a node_modules folder belongs to
// (".../node_modules/@scope/name" or ".../node_modules/name").
std::optional<std::string> own_package_folder(const std::string& path) {
  auto at = path.rfind("/node_modules/");
  if (at == std::string::npos) {
    return std::nullopt;
  }
  auto start = at + 14;
  auto end = path.find('/', start);
  if (end != std::string::npos && path[start] == '@') {
    end = path.find('/', end + 1);
  }
  if (end == std::string::npos) {
    return std::nullopt;
  }
  return path.substr(0, end);
}

// The packages of a node_modules folder of the function's own that `modules` reach, and
// the packages those depend on, as Node finds them: a `require()` inside one runs only
// when the function does, so each travels whole.
std::set<std::string> own_node_modules(const std::map<std::string, GraphModule>& modules) {
  auto files = disk_file_view();
  PackageJsons package_jsons(files);
  std::set<std::string> found;
  std::vector<std::string> queue;
  for (const auto& [url, _] : modules) {
    if (url.starts_with("file:")) {
      if (auto folder = own_package_folder(runtime::file_url_to_path(url))) {
        queue.push_back(*folder);
      }
    }
  }
  while (!queue.empty()) {
    auto folder = std::move(queue.back());
    queue.pop_back();
    if (!found.insert(folder).second) {
      continue;
    }
    auto manifest = util::try_read_file(folder + "/package.json");
    if (!manifest) {
      continue;
    }
    auto parsed = nlohmann::json::parse(*manifest, nullptr, false);
    for (const char* key : {"dependencies", "optionalDependencies", "peerDependencies"}) {
      auto it = parsed.is_object() ? parsed.find(key) : parsed.end();
      if (it == parsed.end() || !it->is_object()) {
        continue;
      }
      for (const auto& [name, _] : it->items()) {
        if (auto dependency = find_in_node_modules(name, folder + "/package.json", *files)) {
          queue.push_back(*dependency);
        }
      }
    }
  }
  return found;
}

}  // namespace

Artifact build_artifact(FunctionModules& modules, const BundleOptions& options) {
  modules.prepare();
  const auto& function = modules.function();
  auto packages = modules.npm_packages();
  Rebase rebase(function.project_root, packages);

  Artifact artifact;
  auto& meta = artifact.metadata;
  meta.slug = function.slug;
  meta.entrypoint = rebase.url(modules.entry_url());
  meta.verify_jwt = options.verify_jwt;
  if (const auto& map = modules.config().import_map_path) {
    meta.import_map = util::read_file(*map);
  }
  meta.lock = modules.lock();
  if (options.code_cache) {
    meta.code_cache_key = current_code_cache_key();
  }
  for (const auto& [url, graph] : modules.modules()) {
    // The runtime's own modules, and types-only ones (the loader makes those an empty
    // module without asking for a source).
    if (url.starts_with("node:") || graph.media_type == runtime::MediaType::declaration) {
      continue;
    }
    auto rebased = rebase.url(url);
    artifact.modules.emplace(rebased, artifact_module(modules, graph, rebased, rebase, options));
  }
  artifact.redirects = meta.lock.redirects;
  for (const auto& package : packages) {
    if (package.installed && !package.folder.empty()) {
      add_package(package.folder, rebase, artifact.files);
    }
  }
  for (const auto& folder : own_node_modules(modules.modules())) {
    add_package(folder, rebase, artifact.files);
  }
  for (const auto& file : function.static_files) {
    auto path = rebase.path(file);
    artifact.files[path] = util::read_file(file);
    meta.static_files.insert(path);
  }
  return artifact;
}

}  // namespace bundler
