#include "bundler/jsr/jsr_resolver.hpp"

#include "bundler/jsr/jsr_meta.hpp"
#include "bundler/lockfile.hpp"
#include "bundler/remote/remote_modules.hpp"
#include "util/error.hpp"
#include "util/hash.hpp"

#include <cstdlib>

namespace bundler {
namespace {

using json = nlohmann::json;

bool starts_with(std::string_view s, std::string_view prefix) {
  return s.substr(0, prefix.size()) == prefix;
}

std::string integrity_message(const std::string& package, const std::string& actual,
                              const std::string& expected) {
  return "Integrity check failed for package. The source code is invalid, as it does not match "
         "the expected hash in the lock file.\n\n  Package: " +
         package + "\n  Actual: " + actual + "\n  Expected: " + expected;
}

}  // namespace

std::string jsr_url_from_environment() {
  const char* value = std::getenv("JSR_URL");
  std::string url = value && *value ? value : "https://jsr.io/";
  if (url.back() != '/') {
    url += '/';
  }
  return url;
}

JsrResolver::JsrResolver(Cache& cache, HttpClient& http, Lock& lock, JsrOptions options)
    : m_cache(cache), m_http(http), m_lock(lock), m_options(std::move(options)) {
  if (m_options.registry_url.empty() || m_options.registry_url.back() != '/') {
    m_options.registry_url += '/';
  }
}

std::vector<JsrResolver::Fetched> JsrResolver::fetch_many(const std::vector<std::string>& urls) {
  std::vector<HttpRequest> requests;
  for (const auto& url : urls) {
    HttpRequest request;
    request.url = url;
    // jsr.io answers HTML to an Accept that asks for it.
    request.headers = {{"Accept", "*/*"}};
    if (auto auth = m_options.auth_tokens.header_for(url)) {
      request.headers.emplace_back("Authorization", *auth);
    }
    requests.push_back(std::move(request));
  }
  std::vector<Fetched> out;
  for (auto& result : m_http.get_all(requests)) {
    Fetched fetched;
    if (auto* response = std::get_if<HttpResponse>(&result)) {
      fetched.status = response->status;
      fetched.body = std::move(response->body);
    } else {
      fetched.error = std::get<std::string>(result);
    }
    out.push_back(std::move(fetched));
  }
  return out;
}

std::string JsrResolver::package_url(const std::string& name) const {
  return m_options.registry_url + name + "/";
}

void JsrResolver::prefetch_package_meta(const std::vector<std::string>& names) {
  std::vector<std::string> urls;
  std::vector<std::string> wanted;
  for (const auto& name : names) {
    if (m_package_meta.count(name) || m_options.cached_only ||
        (!m_options.reload && m_cache.record("jsr", package_url(name) + "meta.json"))) {
      continue;
    }
    wanted.push_back(name);
    urls.push_back(package_url(name) + "meta.json");
  }
  auto results = fetch_many(urls);
  for (std::size_t i = 0; i < results.size(); ++i) {
    auto value = json::parse(results[i].body, nullptr, false);
    if (results[i].status == 200 && !value.is_discarded() && value.is_object()) {
      m_cache.put_record("jsr", urls[i], results[i].body);
      m_package_meta[wanted[i]] = value;
      m_fresh_meta.insert(wanted[i]);
    }
    // Failures are reported by package_meta, which asks again and says why.
  }
}

const json& JsrResolver::package_meta(const std::string& name, bool fresh) {
  auto url = package_url(name) + "meta.json";
  if ((!fresh && !m_options.reload) || m_fresh_meta.count(name) || m_options.cached_only) {
    if (auto it = m_package_meta.find(name); it != m_package_meta.end()) {
      return it->second;
    }
    if (auto record = m_cache.record("jsr", url)) {
      auto value = json::parse(*record, nullptr, false);
      if (!value.is_discarded() && value.is_object()) {
        return m_package_meta[name] = value;
      }
    }
    if (m_options.cached_only) {
      throw not_in_cache(url);
    }
  }
  auto fetched = fetch_many({url}).front();
  if (!fetched.error.empty()) {
    throw util::Error("JSR package manifest for '" + name + "' failed to load. " + fetched.error);
  }
  if (fetched.status == 404) {
    throw util::Error("JSR package not found: " + name);
  }
  auto value = json::parse(fetched.body, nullptr, false);
  if (fetched.status != 200 || value.is_discarded() || !value.is_object()) {
    throw util::Error("JSR package manifest for '" + name + "' failed to load. Import '" + url +
                      "' failed: " + std::to_string(fetched.status));
  }
  m_cache.put_record("jsr", url, fetched.body);
  m_fresh_meta.insert(name);
  return m_package_meta[name] = value;
}

void JsrResolver::check_version_meta(const std::string& name, const std::string& version,
                                     const std::string& bytes) {
  auto nv = name + "@" + version;
  auto actual = util::sha256_hex(bytes);
  auto locked = m_lock.jsr.find(nv);
  if (locked != m_lock.jsr.end() && !locked->second.integrity.empty()) {
    if (locked->second.integrity != actual) {
      throw util::Error(integrity_message(nv, actual, locked->second.integrity));
    }
    return;
  }
  if (m_options.frozen) {
    throw lockfile_out_of_date("+ jsr " + nv + ": " + actual);
  }
  m_lock.jsr[nv].integrity = actual;
}

void JsrResolver::prefetch_version_meta(
    const std::vector<std::pair<std::string, std::string>>& nvs) {
  std::vector<std::string> urls;
  for (const auto& [name, version] : nvs) {
    auto url = package_url(name) + version + "_meta.json";
    if (!m_version_meta.count(name + "@" + version) && !m_cache.record("jsr", url) &&
        !m_options.cached_only) {
      urls.push_back(url);
    }
  }
  auto results = fetch_many(urls);
  for (std::size_t i = 0; i < results.size(); ++i) {
    if (results[i].status == 200 && json::accept(results[i].body)) {
      m_cache.put_record("jsr", urls[i], results[i].body);  // immutable: kept for good
    }
  }
}

const json& JsrResolver::version_meta(const std::string& name, const std::string& version) {
  auto nv = name + "@" + version;
  if (auto it = m_version_meta.find(nv); it != m_version_meta.end()) {
    return it->second;
  }
  auto url = package_url(name) + version + "_meta.json";
  auto bytes = m_cache.record("jsr", url);
  if (bytes && !json::accept(*bytes)) {
    bytes.reset();  // a damaged cache record is no copy: asked for again
  }
  if (!bytes) {
    if (m_options.cached_only) {
      throw not_in_cache(url);
    }
    auto fetched = fetch_many({url}).front();
    if (!fetched.error.empty()) {
      throw util::Error("JSR package version manifest for '" + nv + "' failed to load. " +
                        fetched.error);
    }
    if (fetched.status == 404) {
      throw util::Error("JSR package version not found: " + nv);
    }
    if (fetched.status != 200 || !json::accept(fetched.body)) {
      throw util::Error("JSR package version manifest for '" + nv + "' failed to load. Import '" +
                        url + "' failed: " + std::to_string(fetched.status));
    }
    m_cache.put_record("jsr", url, fetched.body);
    bytes = std::move(fetched.body);
  }
  check_version_meta(name, version, *bytes);
  return m_version_meta[nv] = json::parse(*bytes);
}

std::string JsrResolver::choose_version(const PackageReq& req) {
  if (auto pinned = locked_version(m_lock, "jsr", req)) {
    return *pinned;
  }
  const auto& version_req = req.version_req;
  // A version this graph already uses wins when it fits (one copy of a package).
  if (!version_req.is_tag()) {
    std::optional<Version> best;
    std::string best_text;
    for (const auto& text : m_chosen[req.name]) {
      auto version = Version::parse(text);
      if (version && version_req.matches(*version) && (!best || *version > *best)) {
        best = version;
        best_text = text;
      }
    }
    if (best) {
      return best_text;
    }
  }
  for (bool fresh : {false, true}) {
    if (auto version = jsr_version_from_meta(package_meta(req.name, fresh), version_req)) {
      return *version;
    }
    if (m_fresh_meta.count(req.name) || m_options.cached_only) {
      break;  // the registry itself has no such version
    }
  }
  throw util::Error("Could not find version of '" + req.name +
                    "' that matches specified version constraint '" + version_req.raw() + "'");
}

std::string JsrResolver::resolve(const std::string& specifier) {
  return resolve(parse_package_req_reference(specifier, "jsr"));
}

std::string JsrResolver::resolve(const PackageReqReference& reference) {
  std::lock_guard guard(m_mutex);
  const auto& req = reference.req;
  auto version = choose_version(req);
  const auto& meta = version_meta(req.name, version);
  auto key = lock_specifier_key("jsr", req);
  if (auto locked = m_lock.specifiers.find(key); locked == m_lock.specifiers.end()) {
    if (!locked_version(m_lock, "jsr", req)) {
      if (m_options.frozen) {
        throw lockfile_out_of_date("+ " + key + ": " + version);
      }
      m_lock.specifiers[key] = version;
    }
  }
  m_chosen[req.name].insert(version);
  return jsr_export_url(meta, normalized_export_name(reference.sub_path),
                        package_url(req.name) + version + "/", req.name + "@" + version);
}

std::vector<std::string> JsrResolver::resolve_all(const std::vector<std::string>& specifiers) {
  std::lock_guard guard(m_mutex);
  std::vector<PackageReqReference> references;
  std::vector<std::string> names;
  std::vector<std::pair<std::string, std::string>> pinned;
  for (const auto& specifier : specifiers) {
    references.push_back(parse_package_req_reference(specifier, "jsr"));
    const auto& req = references.back().req;
    if (auto version = locked_version(m_lock, "jsr", req)) {
      pinned.emplace_back(req.name, *version);
    } else {
      names.push_back(req.name);
    }
  }
  prefetch_package_meta(names);
  // Now that meta.json is at hand, every chosen version's metadata comes in one round.
  for (const auto& reference : references) {
    if (!locked_version(m_lock, "jsr", reference.req)) {
      try {
        pinned.emplace_back(reference.req.name, choose_version(reference.req));
      } catch (const util::Error&) {
        // resolve() below reports it, in order.
      }
    }
  }
  prefetch_version_meta(pinned);
  std::vector<std::string> out;
  for (const auto& reference : references) {
    out.push_back(resolve(reference));
  }
  return out;
}

std::optional<JsrResolver::FileRef> JsrResolver::file_of(const std::string& url) const {
  if (!starts_with(url, m_options.registry_url)) {
    return std::nullopt;
  }
  std::string_view rest = std::string_view(url).substr(m_options.registry_url.size());
  rest = rest.substr(0, rest.find_first_of("?#"));
  // "@scope/name/version/path..."
  auto scope_end = rest.find('/');
  if (rest.empty() || rest.front() != '@' || scope_end == std::string_view::npos) {
    return std::nullopt;
  }
  auto name_end = rest.find('/', scope_end + 1);
  if (name_end == std::string_view::npos) {
    return std::nullopt;
  }
  auto version_end = rest.find('/', name_end + 1);
  if (version_end == std::string_view::npos) {
    return std::nullopt;
  }
  FileRef file{std::string(rest.substr(0, name_end)),
               std::string(rest.substr(name_end + 1, version_end - name_end - 1)),
               std::string(rest.substr(version_end))};
  if (!Version::parse(file.version)) {
    return std::nullopt;
  }
  return file;
}

bool JsrResolver::owns(const std::string& url) const {
  return file_of(url).has_value();
}

std::string JsrResolver::expected_checksum(const FileRef& file, const std::string& url) {
  return jsr_manifest_checksum(version_meta(file.name, file.version), file.path, url);
}

JsrModule JsrResolver::load(const std::string& url) {
  return load_all({url}).front();
}

std::vector<JsrModule> JsrResolver::load_all(const std::vector<std::string>& urls) {
  std::lock_guard guard(m_mutex);
  std::vector<JsrModule> out(urls.size());
  std::vector<std::string> expected(urls.size());
  std::vector<std::size_t> missing;
  for (std::size_t i = 0; i < urls.size(); ++i) {
    auto file = file_of(urls[i]);
    if (!file) {
      throw util::Error("Not a file of a JSR package on " + m_options.registry_url + ": " +
                        urls[i]);
    }
    out[i].url = urls[i];
    out[i].media_type = media_type_from_url(urls[i]);
    if (is_declaration(out[i].media_type)) {
      continue;  // types only
    }
    expected[i] = expected_checksum(*file, urls[i]);
    // Files are kept under their checksum: a cached copy is the published file or absent.
    if (auto cached = m_cache.blob(expected[i])) {
      out[i].source = std::move(*cached);
    } else if (m_options.cached_only) {
      throw not_in_cache(urls[i]);
    } else {
      missing.push_back(i);
    }
  }
  std::vector<std::string> to_fetch;
  for (auto i : missing) {
    to_fetch.push_back(urls[i]);
  }
  auto results = fetch_many(to_fetch);
  for (std::size_t k = 0; k < missing.size(); ++k) {
    auto i = missing[k];
    const auto& fetched = results[k];
    if (!fetched.error.empty()) {
      throw util::Error("Import '" + urls[i] + "' failed: " + fetched.error);
    }
    if (fetched.status != 200) {
      throw util::Error("Module not found \"" + urls[i] + "\".");
    }
    auto actual = util::sha256_hex(fetched.body);
    if (actual != expected[i]) {
      throw util::Error(
          "Integrity check failed in package. The package may have been tampered with.\n\n"
          "  Specifier: " +
          urls[i] + "\n  Actual: " + actual + "\n  Expected: " + expected[i]);
    }
    m_cache.put_blob(fetched.body);
    out[i].source = fetched.body;
  }
  return out;
}

void JsrResolver::record_dependency(const std::string& importer_url, const std::string& specifier) {
  std::lock_guard guard(m_mutex);
  auto file = file_of(importer_url);
  if (!file) {
    return;
  }
  auto scheme = specifier.substr(0, 4);
  if (scheme != "jsr:" && scheme != "npm:") {
    return;
  }
  auto reference = parse_package_req_reference(specifier, scheme.substr(0, 3));
  auto dep = lock_specifier_key(scheme.substr(0, 3), reference.req);
  auto& deps = m_lock.jsr[file->name + "@" + file->version].dependencies;
  for (const auto& existing : deps) {
    if (existing == dep || dependency_key(m_lock, existing) == dep) {
      return;
    }
  }
  if (m_options.frozen) {
    throw lockfile_out_of_date("+ jsr " + file->name + "@" + file->version + " dependency " + dep);
  }
  deps.push_back(dep);
}

}  // namespace bundler
