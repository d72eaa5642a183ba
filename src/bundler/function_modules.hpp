#pragma once

// Where one function's modules come from when it is served from its sources: the
// runtime's module seam (resolver + source provider) implemented over local files, the
// import map, npm, jsr and https modules. `prepare()` walks the whole graph once and
// downloads what it lacks, in parallel, before the function's code runs; afterwards
// resolution and loading need no network.

#include "project/config.hpp"

#include "bundler/cache.hpp"
#include "bundler/config/function_config.hpp"
#include "bundler/http_client.hpp"
#include "bundler/jsr/jsr_resolver.hpp"
#include "bundler/lock.hpp"
#include "bundler/npm/npm.hpp"
#include "bundler/remote/remote_modules.hpp"
#include "runtime/runtime.hpp"

#include <filesystem>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

namespace bundler {

// One function as `serve`, `test` and `bundle` see it.
struct FunctionSource {
  std::string slug;
  std::filesystem::path entrypoint;     // absolute
  std::filesystem::path folder;         // the entrypoint's folder, absolute
  std::filesystem::path project_root;   // where config.toml, .npmrc, deno.json are looked for
  std::filesystem::path functions_dir;  // supabase/functions: the fallback import map
  std::vector<std::filesystem::path> import_roots;  // where local modules may be read
  std::optional<std::filesystem::path> import_map;  // --import-map or config.toml's
  // config.toml's static_files, expanded: Deno.readFile may read them too.
  std::vector<std::filesystem::path> static_files;
};

// Where a project's functions live, as serve, test and bundle find them.
struct ProjectLayout {
  std::filesystem::path functions_dir;  // absolute: its import_map.json is the fallback
  std::filesystem::path project_root;   // .npmrc, deno.json, the lockfile are looked for here
  // Where every function may import local modules from (each also from its own folder):
  // the functions folder (so `../_shared/` works) and the module cache.
  std::vector<std::filesystem::path> import_roots;
  std::optional<std::filesystem::path> import_map;  // --import-map: for every function
};

// The layout of the project whose functions are in `functions_dir` and whose
// supabase/config.toml (if any) is `config_toml`.
ProjectLayout project_layout(const std::filesystem::path& functions_dir,
                             const std::optional<std::filesystem::path>& config_toml,
                             const std::optional<std::filesystem::path>& import_map);

// One discovered function in that layout: its import map (--import-map over
// config.toml's) and its static_files globs expanded.
FunctionSource function_source(const project::FunctionConfig& config, const ProjectLayout& layout);

struct ResolveOptions {
  bool cached_only = false;  // never touch the network
  bool frozen = false;       // a lockfile that would change is an error
  // What can change at a URL is fetched afresh (remote modules, jsr package metadata, npm
  // packuments; the cache is written, not read), as `deno --reload` and edge-runtime's
  // `noModuleCache` do. Files checked against a hash (jsr files, npm tarballs) still come
  // from the cache: they cannot have changed.
  bool reload = false;
};

// A specifier that names a package (or a built-in) rather than a path or a URL: what an
// import map, package.json or node_modules has to answer.
bool is_bare_specifier(const std::string& specifier);

// One module of a prepared graph.
struct GraphModule {
  std::string url;
  runtime::MediaType media_type = runtime::MediaType::javascript;
  std::map<std::string, std::string> dependencies;  // specifier -> URL, as resolved
};

class FunctionModules : public runtime::ModuleResolver, public runtime::ModuleSourceProvider {
 public:
  FunctionModules(FunctionSource function, ResolveOptions options, Cache cache,
                  std::shared_ptr<HttpClient> http);

  // Walks the graph from the entrypoint, resolving and downloading every module it
  // reaches. Throws util::Error naming the specifier, the importing file and line.
  void prepare();

  // The graph found by the last prepare(), by URL.
  std::map<std::string, GraphModule> modules() const;
  const FunctionSource& function() const { return m_function; }
  std::string entry_url() const;
  // The import map and deno.json the function uses (Supabase's precedence), and the
  // lock as the last prepare() left it.
  const FunctionConfig& config() const { return m_config; }
  Lock lock() const;
  // The npm packages the last prepare() installed (with their folders in the cache).
  std::vector<InstalledNpmPackage> npm_packages() const;

  std::string resolve(const std::string& specifier, const std::string& referrer,
                      runtime::ResolutionKind kind) override;
  runtime::ModuleSource load(const std::string& url, std::size_t max_bytes) override;
  std::optional<std::size_t> read_file(const std::string& path,
                                       const BufferFor& buffer_for) override;

 private:
  std::string resolve_unlocked(const std::string& specifier, const std::string& referrer,
                               runtime::ResolutionKind kind = runtime::ResolutionKind::import);
  // A bare specifier no import map maps: a built-in, a package in node_modules, a
  // package.json dependency; else the message saying what to map.
  std::string resolve_bare(const std::string& specifier, const std::string& referrer,
                           runtime::ResolutionKind kind);
  // A specifier the import map left as it was (or mapped) to a module URL, by scheme.
  std::string resolve_scheme(const std::string& target, const std::string& specifier,
                             const std::string& referrer, runtime::ResolutionKind kind);
  runtime::ModuleSource load_unlocked(const std::string& url, std::size_t max_bytes);
  // Downloads the remote modules of a walk's frontier in parallel, before each is scanned.
  void prefetch(const std::vector<std::string>& urls);
  // Writes deno.lock when the walk changed it (an error under --frozen).
  void save_lock(const Lock& before);
  void ensure_prepared();
  // Reads the function's import map / deno.json and deno.lock, and makes the resolvers.
  void load_config();
  // Loads and scans one module, calling `reached` for each module it imports.
  GraphModule walk_one(const std::string& url, bool dynamic,
                       const std::function<void(const std::string&, bool dynamic)>& reached);

  FunctionSource m_function;
  ResolveOptions m_options;
  Cache m_cache;
  std::shared_ptr<HttpClient> m_http;
  std::shared_ptr<runtime::ModuleSourceProvider> m_files;
  std::shared_ptr<runtime::ModuleSourceProvider> m_static_files;  // reads any path: ask first
  FunctionConfig m_config;
  Lock m_lock;
  std::unique_ptr<RemoteModules> m_remote;
  std::unique_ptr<JsrResolver> m_jsr;
  std::unique_ptr<NpmResolver> m_npm;
  std::unique_ptr<NodeResolver> m_node_modules;  // bring your own node_modules, when used

  mutable std::recursive_mutex m_mutex;  // workers of one function resolve at once
  bool m_prepared = false;
  std::map<std::string, GraphModule> m_modules;
};

}  // namespace bundler
