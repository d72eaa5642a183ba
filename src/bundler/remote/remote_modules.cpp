#include "bundler/remote/remote_modules.hpp"

#include "bundler/lockfile.hpp"
#include "bundler/remote/url.hpp"
#include "util/error.hpp"
#include "util/hash.hpp"

#include <nlohmann/json.hpp>

#include <set>

namespace bundler {

using json = nlohmann::json;

// One response as cached: a module's headers and body, or a redirect's Location.
struct RemoteModules::Hop {
  long status = 0;
  std::map<std::string, std::string> headers;
  std::string location;  // absolute, for a redirect
  std::string body;      // for a module
};

namespace {

constexpr int k_max_redirects = 10;

bool is_redirect(long status) {
  return status == 301 || status == 302 || status == 303 || status == 307 || status == 308;
}

std::string status_text(long status) {
  static const std::map<long, const char*> k_reasons = {
      {400, "Bad Request"},           {401, "Unauthorized"}, {403, "Forbidden"},
      {405, "Method Not Allowed"},    {410, "Gone"},         {429, "Too Many Requests"},
      {500, "Internal Server Error"}, {502, "Bad Gateway"},  {503, "Service Unavailable"},
      {504, "Gateway Timeout"}};
  auto it = k_reasons.find(status);
  return std::to_string(status) + (it == k_reasons.end() ? "" : std::string(" ") + it->second);
}

// A chain of hops from the specifier asked for to the module it ends at.
struct Chain {
  std::string specifier;
  std::string current;
  int hops = 0;
  bool done = false;
  std::optional<std::string> error;
};

}  // namespace

util::Error not_in_cache(const std::string& url) {
  return util::Error("Specifier not found in cache: \"" + url + "\", --cached-only is specified.");
}

std::string remote_integrity_message(const std::string& url, const std::string& actual,
                                     const std::string& expected) {
  return "Integrity check failed for remote specifier. The source code is invalid, as it does "
         "not match the expected hash in the lock file.\n\n  Specifier: " +
         url + "\n  Actual: " + actual + "\n  Expected: " + expected +
         "\n\nThis could be caused by:\n  * the lock file may be corrupt\n  * the source itself "
         "may be corrupt\n\nInvestigate the lockfile; delete it to regenerate the lockfile or "
         "--reload to reload the source code from the server.";
}

RemoteModules::RemoteModules(Cache& cache, HttpClient& http, Lock& lock, RemoteOptions options)
    : m_cache(cache), m_http(http), m_lock(lock), m_options(std::move(options)) {}

bool RemoteModules::reloading(const std::string& url) {
  if (!m_options.reload) {
    return false;
  }
  std::lock_guard lock(m_lock_mutex);
  return m_reloaded.count(url) == 0;
}

std::optional<RemoteModules::Hop> RemoteModules::cached_hop(const std::string& url) const {
  auto record = m_cache.record("remote", url);
  if (!record) {
    return std::nullopt;
  }
  auto value = json::parse(*record, nullptr, false);
  if (value.is_discarded() || !value.is_object() || !value.contains("status")) {
    return std::nullopt;
  }
  Hop hop;
  hop.status = value["status"].get<long>();
  hop.headers = value.value("headers", std::map<std::string, std::string>{});
  if (is_redirect(hop.status)) {
    hop.location = value.value("location", "");
    return hop.location.empty() ? std::nullopt : std::optional(hop);
  }
  auto body = m_cache.blob(value.value("blob", ""));
  if (!body) {
    return std::nullopt;  // a damaged or removed blob: download again
  }
  hop.body = std::move(*body);
  return hop;
}

RemoteModules::Hop RemoteModules::store_hop(const std::string& url,
                                            const HttpResponse& response) const {
  Hop hop;
  hop.status = response.status;
  hop.headers = response.headers;
  json record = {{"url", url}, {"status", response.status}, {"headers", response.headers}};
  if (is_redirect(response.status)) {
    auto location = response.headers.find("location");
    if (location == response.headers.end()) {
      throw util::Error("Redirection from '" + url + "' did not provide location header");
    }
    // Location is relative to the URL it came from.
    auto target = Url::parse(location->second, url);
    if (!target) {
      throw util::Error("Redirection from '" + url +
                        "' has an invalid location header: " + location->second);
    }
    hop.location = target->href();
    record["location"] = hop.location;
  } else if (response.status >= 200 && response.status < 300) {
    hop.body = response.body;
    record["blob"] = m_cache.put_blob(response.body);
  } else {
    return hop;  // errors are not cached: the next run asks again
  }
  m_cache.put_record("remote", url, record.dump());
  return hop;
}

RemoteModule RemoteModules::finish(const std::string& specifier, const std::string& url,
                                   const Hop& hop) {
  RemoteModule module;
  module.specifier = specifier;
  module.url = url;
  module.headers = hop.headers;
  module.source = hop.body;
  auto content_type = hop.headers.find("content-type");
  module.media_type = media_type_of_response(
      url, content_type == hop.headers.end() ? std::nullopt : std::optional(content_type->second));
  if (auto warning = hop.headers.find("x-deno-warning"); warning != hop.headers.end()) {
    module.warning = warning->second;
  }
  auto hash = util::sha256_hex(module.source);
  std::lock_guard guard(m_lock_mutex);
  if (auto locked = m_lock.remote.find(url); locked != m_lock.remote.end()) {
    if (locked->second != hash) {
      throw util::Error(remote_integrity_message(url, hash, locked->second));
    }
  } else if (m_options.frozen) {
    throw lockfile_out_of_date("+ remote " + url + ": " + hash);
  } else {
    m_lock.remote[url] = hash;
  }
  if (specifier != url) {
    auto locked = m_lock.redirects.find(specifier);
    if (locked == m_lock.redirects.end() || locked->second != url) {
      if (m_options.frozen) {
        throw lockfile_out_of_date("+ redirect " + specifier + " -> " + url);
      }
      m_lock.redirects[specifier] = url;
    }
  }
  return module;
}

RemoteModule RemoteModules::fetch(const std::string& url) {
  return fetch_all({url}).front();
}

std::vector<RemoteModule> RemoteModules::fetch_all(const std::vector<std::string>& urls) {
  std::vector<Chain> chains;
  std::vector<std::optional<RemoteModule>> results(urls.size());
  std::map<std::size_t, Hop> finished;
  for (const auto& url : urls) {
    Chain chain;
    chain.specifier = url;
    chain.current = url;
    {
      // A redirect the lock already knows is taken without asking the original URL.
      std::lock_guard guard(m_lock_mutex);
      for (int i = 0; i < k_max_redirects; ++i) {
        auto locked = m_lock.redirects.find(chain.current);
        if (locked == m_lock.redirects.end()) {
          break;
        }
        chain.current = locked->second;
      }
    }
    chains.push_back(std::move(chain));
  }
  // Declaration files are types only: never fetched, never locked.
  for (std::size_t i = 0; i < chains.size(); ++i) {
    if (is_declaration(media_type_from_url(chains[i].current))) {
      RemoteModule module;
      module.specifier = chains[i].specifier;
      module.url = chains[i].current;
      module.media_type = media_type_from_url(chains[i].current);
      results[i] = module;
      chains[i].done = true;
    }
  }
  // Advances a chain by one response: to the next hop, to its module, or to an error.
  auto take = [&](std::size_t i, const Hop& hop) {
    auto& chain = chains[i];
    if (is_redirect(hop.status)) {
      if (++chain.hops > k_max_redirects) {
        chain.error = "Too many redirects.";
        return;
      }
      chain.current = hop.location;
    } else if (hop.status == 404) {
      chain.error = "Module not found \"" + chain.current + "\".";
    } else if (hop.status < 200 || hop.status >= 300) {
      chain.error = "Import '" + chain.current + "' failed: " + status_text(hop.status);
    } else {
      chain.done = true;
      finished[i] = hop;
    }
  };
  while (true) {
    // Follow what the cache already has, then download the rest of this round at once.
    std::vector<std::size_t> waiting;
    for (std::size_t i = 0; i < chains.size(); ++i) {
      while (!chains[i].done && !chains[i].error) {
        auto hop = reloading(chains[i].current) ? std::nullopt : cached_hop(chains[i].current);
        if (!hop) {
          waiting.push_back(i);
          break;
        }
        take(i, *hop);
      }
    }
    if (waiting.empty()) {
      break;
    }
    if (m_options.cached_only) {
      for (auto i : waiting) {
        chains[i].error = not_in_cache(chains[i].current).what();
      }
      break;
    }
    std::vector<HttpRequest> requests;
    std::map<std::string, std::size_t> request_of;  // one download per URL
    for (auto i : waiting) {
      const auto& url = chains[i].current;
      if (request_of.count(url)) {
        continue;
      }
      HttpRequest request;
      request.url = url;
      request.follow_redirects = false;
      request.headers = {{"Accept", "*/*"}};
      if (auto auth = m_options.auth_tokens.header_for(url)) {
        request.headers.emplace_back("Authorization", *auth);
      }
      request_of[url] = requests.size();
      requests.push_back(std::move(request));
    }
    auto responses = m_http.get_all(requests);
    std::map<std::string, Hop> hops;
    std::map<std::string, std::string> failures;
    for (const auto& [url, index] : request_of) {
      if (auto* failure = std::get_if<std::string>(&responses[index])) {
        failures[url] = "Import '" + url + "' failed: " + *failure;
        continue;
      }
      try {
        hops[url] = store_hop(url, std::get<HttpResponse>(responses[index]));
        if (m_options.reload) {
          std::lock_guard lock(m_lock_mutex);
          m_reloaded.insert(url);
        }
      } catch (const util::Error& error) {
        failures[url] = error.what();
      }
    }
    for (auto i : waiting) {
      const auto& url = chains[i].current;
      if (auto failure = failures.find(url); failure != failures.end()) {
        chains[i].error = failure->second;
      } else {
        take(i, hops.at(url));
      }
    }
  }
  for (std::size_t i = 0; i < chains.size(); ++i) {
    if (chains[i].error) {
      throw util::Error(*chains[i].error);
    }
    if (!results[i]) {
      results[i] = finish(chains[i].specifier, chains[i].current, finished.at(i));
    }
  }
  std::vector<RemoteModule> out;
  for (auto& result : results) {
    out.push_back(std::move(*result));
  }
  return out;
}

}  // namespace bundler
