#include "bundler/npm/registry.hpp"

#include "bundler/npm/specifier.hpp"
#include "util/error.hpp"

#include <algorithm>
#include <variant>

namespace bundler {
namespace {

// Abbreviated metadata first (much smaller), as npm itself asks.
constexpr const char* k_packument_accept =
    "application/vnd.npm.install-v1+json; q=1.0, application/json; q=0.8, */*";
constexpr const char* k_cache_area = "npm-packuments";

std::string reason(long status) {
  switch (status) {
    case 401:
      return "401 Unauthorized";
    case 403:
      return "403 Forbidden";
    case 404:
      return "404 Not Found";
    default:
      return std::to_string(status);
  }
}

// HttpClient's message for a transfer that failed, turned into what to do about it.
std::string transport_failure(const std::string& what, const std::string& registry,
                              const std::string& detail) {
  if (detail.find("closed before the whole response arrived") != std::string::npos) {
    return "The download of " + what + " was cut off: " + detail +
           ". Nothing was written to the cache; run again to retry.";
  }
  return "Cannot reach the npm registry " + registry + " for " + what + ": " + detail +
         ". Check that the registry is up and that NPM_CONFIG_REGISTRY or the .npmrc "
         "`registry` setting points at it.";
}

}  // namespace

NpmRegistry::NpmRegistry(const Cache& cache, HttpClient& http, const Npmrc& npmrc, bool cached_only,
                         bool reload)
    : m_cache(cache), m_http(http), m_npmrc(npmrc), m_cached_only(cached_only), m_reload(reload) {}

std::string NpmRegistry::packument_url(const std::string& name) const {
  auto encoded = name;
  if (auto slash = encoded.find('/'); slash != std::string::npos) {
    encoded.replace(slash, 1, "%2f");  // registries want the scope's slash escaped
  }
  return m_npmrc.registry_for(name) + encoded;
}

std::string NpmRegistry::default_tarball_url(const std::string& name,
                                             const std::string& version) const {
  return m_npmrc.registry_for(name) + name + "/-/" + std::string(package_basename(name)) + "-" +
         version + ".tgz";
}

std::string NpmRegistry::host_folder(const std::string& name) const {
  auto registry = m_npmrc.registry_for(name);
  auto start = registry.find("//");
  start = start == std::string::npos ? 0 : start + 2;
  auto host = registry.substr(start, registry.find('/', start) - start);
  if (auto at = host.rfind('@'); at != std::string::npos) {
    host = host.substr(at + 1);  // credentials in the URL are not part of the name
  }
  if (auto colon = host.rfind(':'); colon != std::string::npos && host.back() != ']') {
    host[colon] = '_';
  }
  return host;
}

HttpRequest NpmRegistry::request_for(const std::string& url, const std::string& accept) const {
  HttpRequest request;
  request.url = url;
  request.headers.emplace_back("Accept", accept);
  if (auto authorization = m_npmrc.authorization_for(url)) {
    request.headers.emplace_back("Authorization", *authorization);
  }
  return request;
}

std::string NpmRegistry::failure(const std::string& what, const std::string& url,
                                 const HttpResponse& response, bool sent_credentials) const {
  auto registry = url.substr(0, url.find('/', url.find("//") + 2) + 1);
  if (response.status == 401 || response.status == 403) {
    if (sent_credentials) {
      return "The npm registry " + registry + " refused the credentials from .npmrc for " + what +
             " (" + reason(response.status) + "). Check the token set with " +
             Npmrc::token_key_for(registry) + ".";
    }
    return "The npm registry " + registry + " wants credentials for " + what + " (" +
           reason(response.status) + "). Add `" + Npmrc::token_key_for(registry) +
           "=<token>` to an .npmrc in the function's folder, the project root or your home "
           "folder (`${NPM_TOKEN}` reads the token from the environment).";
  }
  return "The npm registry answered " + reason(response.status) + " for " + what + " (" + url +
         ").";
}

void NpmRegistry::prefetch(const std::vector<std::string>& names) {
  // Offline first, as Deno resolves: a packument in the cache is used as it is, and
  // fetched again only when it lacks a version a requirement asks for (refresh()).
  std::vector<std::string> uncached;
  for (const auto& name : names) {
    if (m_entries.count(name) != 0 ||
        std::find(uncached.begin(), uncached.end(), name) != uncached.end()) {
      continue;
    }
    auto record = m_reload ? std::nullopt : m_cache.record(k_cache_area, packument_url(name));
    if (record) {
      try {
        auto& entry = m_entries[name];
        entry.packument = std::make_unique<Packument>(
            parse_packument(std::string_view(*record).substr(record->find('\n') + 1), name));
        entry.from_cache = true;
        continue;
      } catch (const util::Error& error) {
        m_entries.erase(name);  // a damaged record is fetched again
        if (m_cached_only) {
          m_entries[name].error = error.what();
          continue;
        }
      }
    } else if (m_cached_only) {
      m_entries[name].error = "npm package '" + name +
                              "' is not in the cache, and --cached-only forbids downloading it. "
                              "Run once without --cached-only to fill the cache.";
      continue;
    }
    uncached.push_back(name);
  }
  fetch(uncached);
}

bool NpmRegistry::refresh(const std::string& name) {
  auto it = m_entries.find(name);
  if (m_cached_only || it == m_entries.end() || !it->second.from_cache) {
    return false;  // nothing newer can be had this run
  }
  it->second.from_cache = false;
  const auto* before = it->second.packument.get();
  fetch({name});
  return m_entries.at(name).packument.get() != before;
}

void NpmRegistry::fetch(const std::vector<std::string>& names) {
  std::vector<std::string> wanted;
  std::vector<HttpRequest> requests;
  std::vector<std::optional<std::string>> cached;
  for (const auto& name : names) {
    auto url = packument_url(name);
    HttpRequest request;
    try {
      request = request_for(url, k_packument_accept);
    } catch (const util::Error& error) {
      if (!m_entries[name].packument) {
        m_entries[name].error = error.what();
      }
      continue;
    }
    auto record = m_cache.record(k_cache_area, url);
    if (record) {
      auto etag = record->substr(0, record->find('\n'));
      if (!etag.empty()) {
        request.headers.emplace_back("If-None-Match", etag);
      }
    }
    wanted.push_back(name);
    requests.push_back(std::move(request));
    cached.push_back(std::move(record));
  }
  if (requests.empty()) {
    return;
  }
  auto results = m_http.get_all(requests);
  for (std::size_t i = 0; i < results.size(); ++i) {
    const auto& name = wanted[i];
    auto& entry = m_entries[name];
    const auto& url = requests[i].url;
    auto what = "npm package '" + name + "'";
    if (auto* error = std::get_if<std::string>(&results[i])) {
      // The registry cannot be reached: what the cache holds is better than nothing (the
      // lock, when there is one, decides versions anyway).
      if (!entry.packument) {
        entry.error = transport_failure(what, m_npmrc.registry_for(name), *error);
      }
      continue;
    }
    auto& response = std::get<HttpResponse>(results[i]);
    try {
      if (response.status == 304 && cached[i]) {
        if (!entry.packument) {
          auto body = std::string_view(*cached[i]).substr(cached[i]->find('\n') + 1);
          entry.packument = std::make_unique<Packument>(parse_packument(body, name));
        }
      } else if (response.status == 200) {
        auto fresh = std::make_unique<Packument>(parse_packument(response.body, name));
        if (entry.packument) {
          m_superseded.push_back(std::move(entry.packument));  // the graph may point into it
        }
        entry.packument = std::move(fresh);
        auto etag = response.headers.count("etag") ? response.headers.at("etag") : "";
        if (etag.find('\n') != std::string::npos) {
          etag.clear();
        }
        m_cache.put_record(k_cache_area, url, etag + "\n" + response.body);
      } else if (response.status == 404) {
        entry.missing = true;
        entry.error = "npm package '" + name + "' does not exist (" + url + " answered 404).";
        if (requests[i].headers.size() == 1) {
          entry.error += " If it is a private package, give a token for it with `" +
                         Npmrc::token_key_for(m_npmrc.registry_for(name)) +
                         "=<token>` in an .npmrc.";
        }
      } else if (!entry.packument) {
        entry.error = failure(what, url, response, requests[i].headers.size() > 1);
      }
    } catch (const util::Error& error) {
      if (!entry.packument) {
        entry.error = error.what();
      }
    }
  }
}

const Packument* NpmRegistry::find(const std::string& name) {
  prefetch({name});
  auto& entry = m_entries.at(name);
  if (entry.packument) {
    return entry.packument.get();
  }
  if (entry.missing) {
    return nullptr;
  }
  throw util::Error(entry.error);
}

const Packument& NpmRegistry::packument(const std::string& name) {
  if (const auto* found = find(name)) {
    return *found;
  }
  throw util::Error(m_entries.at(name).error);
}

void NpmRegistry::prefetch_tarballs(const std::vector<Download>& downloads) {
  if (m_cached_only) {
    return;
  }
  std::vector<HttpRequest> requests;
  for (const auto& download : downloads) {
    auto name = download.package.substr(0, download.package.rfind('@'));
    if (m_prefetched.count(download.url) != 0 ||
        m_cache.existing_directory("npm", host_folder(name) + "/" + download.package)) {
      continue;
    }
    try {
      requests.push_back(request_for(download.url, "*/*"));
    } catch (const util::Error&) {
      continue;  // download() reports it
    }
  }
  if (requests.empty()) {
    return;
  }
  // One background batch; its results are shared out by URL.
  auto batch =
      std::async(std::launch::async, [this, requests] { return m_http.get_all(requests); }).share();
  for (std::size_t i = 0; i < requests.size(); ++i) {
    m_prefetched[requests[i].url] =
        std::async(std::launch::deferred, [batch, i] { return batch.get()[i]; }).share();
  }
}

std::vector<std::optional<std::string>> NpmRegistry::download(
    const std::vector<Download>& downloads, std::vector<std::string>& errors) {
  std::vector<std::optional<std::string>> out(downloads.size());
  errors.assign(downloads.size(), "");
  std::vector<HttpRequest> requests;
  for (std::size_t i = 0; i < downloads.size(); ++i) {
    if (m_cached_only) {
      errors[i] = "npm package " + downloads[i].package +
                  " is not in the cache, and --cached-only forbids downloading it. Run once "
                  "without --cached-only to fill the cache.";
      continue;
    }
    try {
      requests.push_back(request_for(downloads[i].url, "*/*"));
    } catch (const util::Error& error) {
      errors[i] = error.what();
      requests.push_back({});
    }
  }
  if (m_cached_only) {
    return out;
  }
  std::vector<std::size_t> index;
  std::vector<HttpRequest> live;
  for (std::size_t i = 0; i < requests.size(); ++i) {
    if (errors[i].empty()) {
      index.push_back(i);
      live.push_back(requests[i]);
    }
  }
  // What a prefetch already started is taken from it; the rest is downloaded now.
  std::vector<Result> results(live.size());
  std::vector<std::size_t> fresh_index;
  std::vector<HttpRequest> fresh;
  for (std::size_t j = 0; j < live.size(); ++j) {
    if (auto it = m_prefetched.find(live[j].url); it != m_prefetched.end()) {
      results[j] = it->second.get();
      m_prefetched.erase(it);  // a retry downloads again
    } else {
      fresh_index.push_back(j);
      fresh.push_back(live[j]);
    }
  }
  auto fetched = m_http.get_all(fresh);
  for (std::size_t k = 0; k < fetched.size(); ++k) {
    results[fresh_index[k]] = std::move(fetched[k]);
  }
  for (std::size_t j = 0; j < results.size(); ++j) {
    auto i = index[j];
    auto what = "npm package " + downloads[i].package;
    const auto& url = downloads[i].url;
    if (auto* error = std::get_if<std::string>(&results[j])) {
      auto name = downloads[i].package.substr(0, downloads[i].package.rfind('@'));
      errors[i] = transport_failure(what, m_npmrc.registry_for(name), *error);
    } else if (auto& response = std::get<HttpResponse>(results[j]); response.status == 200) {
      out[i] = std::move(response.body);
    } else {
      errors[i] = failure(what, url, response, live[j].headers.size() > 1);
    }
  }
  return out;
}

}  // namespace bundler
