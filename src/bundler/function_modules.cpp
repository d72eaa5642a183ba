#include "bundler/function_modules.hpp"

#include "util/error.hpp"

#include <algorithm>
#include <deque>
#include <functional>
#include <set>

namespace bundler {

FunctionModules::FunctionModules(FunctionSource function, ResolveOptions options, Cache cache,
                                 std::shared_ptr<HttpClient> http)
    : m_function(std::move(function)),
      m_options(options),
      m_cache(std::move(cache)),
      m_http(std::move(http)) {
  auto roots = m_function.import_roots;
  roots.push_back(m_function.folder);
  m_files = runtime::make_file_source_provider(roots, m_function.folder);
  m_static_files = runtime::make_file_source_provider({}, "/");
}

std::string FunctionModules::entry_url() const {
  return runtime::path_to_file_url(m_function.entrypoint.lexically_normal().string());
}

std::map<std::string, GraphModule> FunctionModules::modules() const {
  std::lock_guard lock(m_mutex);
  return m_modules;
}

void FunctionModules::prepare() {
  std::lock_guard lock(m_mutex);
  load_config();
  Lock before = m_lock;
  std::map<std::string, GraphModule> found;
  // A literal dynamic import that fails is the function's own runtime error, as in Deno,
  // not a boot error: what only dynamic imports reach is fetched on a best-effort basis.
  struct Pending {
    std::string url;
    bool dynamic;
  };
  std::deque<Pending> queue{{entry_url(), false}};
  std::set<std::string> seen{entry_url()};
  while (!queue.empty()) {
    // The whole frontier is downloaded at once, then scanned from the cache.
    std::vector<std::string> frontier;
    for (const auto& pending : queue) {
      frontier.push_back(pending.url);
    }
    prefetch(frontier);
    std::deque<Pending> next;
    for (const auto& [url, dynamic] : queue) {
      try {
        found.emplace(url, walk_one(url, dynamic, [&](const std::string& target, bool lazy) {
                        if (seen.insert(target).second) {
                          next.push_back({target, lazy});
                        }
                      }));
      } catch (const util::Error&) {
        if (!dynamic) {
          throw;
        }
      }
    }
    queue = std::move(next);
  }
  save_lock(before);
  m_modules = std::move(found);
  m_prepared = true;
}

Lock FunctionModules::lock() const {
  std::lock_guard lock(m_mutex);
  return m_lock;
}

std::vector<InstalledNpmPackage> FunctionModules::npm_packages() const {
  std::lock_guard lock(m_mutex);
  return m_npm ? m_npm->packages() : std::vector<InstalledNpmPackage>{};
}

GraphModule FunctionModules::walk_one(
    const std::string& url, bool dynamic,
    const std::function<void(const std::string&, bool dynamic)>& reached) {
  GraphModule module;
  module.url = url;
  module.media_type = runtime::media_type_of(url);
  if (module.media_type == runtime::MediaType::declaration ||
      module.media_type == runtime::MediaType::json || url.starts_with("node:")) {
    return module;
  }
  auto source = load_unlocked(url, std::size_t{64} << 20);
  module.media_type = source.media_type;
  // CommonJS is resolved as it runs (require), by Node's rules: nothing to walk here.
  if (source.media_type == runtime::MediaType::commonjs ||
      source.media_type == runtime::MediaType::commonjs_typescript) {
    return module;
  }
  // A Wasm module's dependencies are the modules its imports name (Deno resolves them
  // against the .wasm's URL, as any import).
  if (source.media_type == runtime::MediaType::wasm) {
    auto wasm = runtime::read_wasm_interface(source.code, url);
    for (const auto& specifier : runtime::wasm_import_modules(wasm)) {
      std::string target;
      try {
        target = resolve_unlocked(specifier, url);
      } catch (const util::Error& error) {
        if (dynamic) {
          continue;
        }
        throw util::Error(std::string(error.what()) + "\n    at " + url);
      }
      module.dependencies[specifier] = target;
      reached(target, dynamic);
    }
    return module;
  }
  auto code = runtime::transpile_module(url, source.code, source.media_type);
  for (const auto& import : runtime::module_imports(code)) {
    if (import.type_only) {
      continue;
    }
    std::string target;
    try {
      target = resolve_unlocked(import.specifier, url);
    } catch (const util::Error& error) {
      if (dynamic || import.dynamic) {
        continue;
      }
      throw util::Error(std::string(error.what()) + "\n    at " + url + ":" +
                        std::to_string(import.line));
    }
    module.dependencies[import.specifier] = target;
    reached(target, dynamic || import.dynamic);
  }
  return module;
}

void FunctionModules::ensure_prepared() {
  if (!m_prepared) {
    prepare();
  }
}

std::string FunctionModules::resolve(const std::string& specifier, const std::string& referrer,
                                     runtime::ResolutionKind kind) {
  std::lock_guard lock(m_mutex);
  // The walk recorded what imports resolve to; a require() may pick other "exports"
  // conditions, so it asks again.
  if (auto it = m_modules.find(referrer);
      it != m_modules.end() && kind == runtime::ResolutionKind::import) {
    if (auto dep = it->second.dependencies.find(specifier); dep != it->second.dependencies.end()) {
      return dep->second;
    }
  }
  return resolve_unlocked(specifier, referrer, kind);
}

runtime::ModuleSource FunctionModules::load(const std::string& url, std::size_t max_bytes) {
  std::lock_guard lock(m_mutex);
  ensure_prepared();
  return load_unlocked(url, max_bytes);
}

std::optional<std::size_t> FunctionModules::read_file(const std::string& path,
                                                      const BufferFor& buffer_for) {
  auto absolute = (m_function.folder / path).lexically_normal();
  const auto& statics = m_function.static_files;
  if (std::binary_search(statics.begin(), statics.end(), absolute)) {
    return m_static_files->read_file(absolute.string(), buffer_for);
  }
  return m_files->read_file(path, buffer_for);
}

}  // namespace bundler
