// Where a function's module sources come from, by URL: local files (confined to the
// project and the cache), jsr package files (checked against their manifest), https
// modules (from the cache, downloaded when missing); and the config and deno.lock that
// steer them.
#include "bundler/function_modules.hpp"
#include "bundler/lockfile.hpp"
#include "util/error.hpp"
#include "util/files.hpp"

#include <cstdlib>
#include <set>

namespace bundler {
namespace {

runtime::MediaType runtime_media_type(MediaType type, const std::string& url) {
  switch (type) {
    case MediaType::javascript:
    case MediaType::mjs:
    case MediaType::cjs:
      return runtime::MediaType::javascript;
    case MediaType::jsx:
      return runtime::MediaType::jsx;
    case MediaType::typescript:
    case MediaType::mts:
    case MediaType::cts:
      return runtime::MediaType::typescript;
    case MediaType::tsx:
      return runtime::MediaType::tsx;
    case MediaType::dts:
    case MediaType::dmts:
    case MediaType::dcts:
      return runtime::MediaType::declaration;
    case MediaType::json:
      return runtime::MediaType::json;
    case MediaType::wasm:
      return runtime::MediaType::wasm;
    default:
      throw util::Error("Expected a JavaScript or TypeScript module, but identified a " +
                        std::string(media_type_name(type)) +
                        " module. Importing these types of modules is currently not "
                        "supported.\n  Specifier: " +
                        url);
  }
}

}  // namespace

void FunctionModules::load_config() {
  FunctionConfigRequest request;
  request.entrypoint = m_function.entrypoint;
  request.functions_dir = m_function.functions_dir;
  request.config_import_map = m_function.import_map;
  m_config = load_function_config(request);
  m_lock = Lock{};
  if (m_config.lockfile) {
    if (auto text = util::try_read_file(*m_config.lockfile)) {
      m_lock = read_lockfile(*text, m_config.lockfile->string());
    }
  }
  m_lock.workspace = m_config.lock_workspace;
  bool frozen = m_options.frozen || m_config.frozen_lockfile;
  RemoteOptions remote;
  remote.cached_only = m_options.cached_only;
  remote.reload = m_options.reload;
  remote.frozen = frozen;
  m_remote = std::make_unique<RemoteModules>(m_cache, *m_http, m_lock, remote);
  JsrOptions jsr;
  jsr.cached_only = m_options.cached_only;
  jsr.reload = m_options.reload;
  jsr.frozen = frozen;
  m_jsr = std::make_unique<JsrResolver>(m_cache, *m_http, m_lock, jsr);
  NpmOptions npm;
  npm.cached_only = m_options.cached_only;
  npm.reload = m_options.reload;
  npm.frozen = frozen;
  const char* home = std::getenv("HOME");
  m_npm = std::make_unique<NpmResolver>(
      m_cache, *m_http, Npmrc::load(m_function.folder, m_function.project_root, home ? home : ""),
      m_lock, npm);
  m_node_modules.reset();
  if (m_config.own_node_modules()) {
    m_node_modules = std::make_unique<NodeResolver>(disk_file_view());
  }
}

void FunctionModules::save_lock(const Lock& before) {
  if (!m_config.lockfile || m_lock == before) {
    return;
  }
  if (m_options.frozen || m_config.frozen_lockfile) {
    throw lockfile_out_of_date(m_config.lockfile->string());
  }
  bool had_file = util::try_read_file(*m_config.lockfile).has_value();
  // A function with no remote imports needs no lockfile: do not litter its folder.
  if (!had_file && m_lock.specifiers.empty() && m_lock.remote.empty() && m_lock.redirects.empty()) {
    return;
  }
  util::write_file_atomic(*m_config.lockfile, write_lockfile(m_lock));
}

void FunctionModules::prefetch(const std::vector<std::string>& urls) {
  std::vector<std::string> remote;
  std::vector<std::string> jsr;
  for (const auto& url : urls) {
    if (url.starts_with("https:") || url.starts_with("http:")) {
      (m_jsr->owns(url) ? jsr : remote).push_back(url);
    }
  }
  // Failures surface with their importer when each module is loaded for its scan.
  try {
    if (remote.size() > 1) {
      m_remote->fetch_all(remote);
    }
  } catch (const util::Error&) {
  }
  try {
    if (jsr.size() > 1) {
      m_jsr->load_all(jsr);
    }
  } catch (const util::Error&) {
  }
}

runtime::ModuleSource FunctionModules::load_unlocked(const std::string& url,
                                                     std::size_t max_bytes) {
  if (url.starts_with("https:") || url.starts_with("http:")) {
    std::string code;
    MediaType type;
    if (m_jsr->owns(url)) {
      auto module = m_jsr->load(url);
      code = std::move(module.source);
      type = module.media_type;
    } else {
      auto module = m_remote->fetch(url);
      code = std::move(module.source);
      type = module.media_type;
    }
    if (code.size() > max_bytes) {
      throw util::Error("Module \"" + url + "\" (" + std::to_string(code.size()) +
                        " bytes) is larger than the worker's remaining memory");
    }
    return {url, std::move(code), runtime_media_type(type, url), {}};
  }
  auto source = m_files->load(url, max_bytes);
  // A .js file of a CommonJS package (or in a node_modules folder) is CommonJS.
  auto path = runtime::file_url_to_path(url);
  if (source.media_type == runtime::MediaType::javascript && m_npm &&
      (m_npm->package_of(path) || path.find("/node_modules/") != std::string::npos) &&
      m_npm->is_commonjs(path, source.code)) {
    source.media_type = runtime::MediaType::commonjs;
  }
  return source;
}

}  // namespace bundler
