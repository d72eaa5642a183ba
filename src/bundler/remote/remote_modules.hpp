#pragma once

// https: (and http:) modules, fetched the way Deno's file fetcher does (deno.md §7):
// `accept: */*`, DENO_AUTH_TOKENS, redirects followed hop by hop (at most 10, each hop
// cached under its own URL), the final URL as the module's identity, the media type from
// Content-Type then the extension. Downloads land in the Cache; the Lock's `remote` hash
// is checked (or recorded) and redirects are recorded in it. A module already in the cache
// is used without asking the network, so a graph that did not change boots offline.

#include "bundler/cache.hpp"
#include "bundler/http_client.hpp"
#include "bundler/lock.hpp"
#include "bundler/remote/auth_tokens.hpp"
#include "bundler/remote/media_type.hpp"
#include "util/error.hpp"

#include <map>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <vector>

namespace bundler {

struct RemoteOptions {
  bool cached_only = false;  // never touch the network: a module not cached is an error
  bool frozen = false;       // a lock entry that would have to be added is an error
  AuthTokens auth_tokens = AuthTokens::from_environment();
  bool reload = false;  // download each URL again once (ResolveOptions::reload)
};

struct RemoteModule {
  std::string specifier;  // as asked for
  std::string url;        // after redirects: the module's identity and base for its imports
  MediaType media_type = MediaType::unknown;
  std::string source;  // the raw body (empty for .d.ts, which is never fetched)
  std::map<std::string, std::string> headers;  // of the final response, names lowercased
  std::optional<std::string> warning;          // an X-Deno-Warning header, to print
};

class RemoteModules {
 public:
  RemoteModules(Cache& cache, HttpClient& http, Lock& lock, RemoteOptions options = {});

  // One module; throws util::Error with Deno's message: `Module not found "<url>".`,
  // `Too many redirects.`, an HTTP status, a network failure naming the URL, or the lock's
  // integrity mismatch naming both hashes. X-TypeScript-Types is ignored (types only).
  RemoteModule fetch(const std::string& url);
  // Several at once, downloads in parallel; the results are in `urls`' order. Throws the
  // first failure (in `urls`' order) after every download has ended.
  std::vector<RemoteModule> fetch_all(const std::vector<std::string>& urls);

 private:
  struct Hop;  // one cached response: a module or a redirect
  std::optional<Hop> cached_hop(const std::string& url) const;
  bool reloading(const std::string& url);  // options.reload and not downloaded yet this run
  Hop store_hop(const std::string& url, const HttpResponse& response) const;
  RemoteModule finish(const std::string& specifier, const std::string& url, const Hop& hop);

  Cache& m_cache;
  HttpClient& m_http;
  Lock& m_lock;
  RemoteOptions m_options;
  std::mutex m_lock_mutex;           // guards m_lock: fetch may be called from several threads
  std::set<std::string> m_reloaded;  // downloaded again this run (options.reload); m_lock_mutex
};

// Deno's error for a download --cached-only forbids: `url` is not in the cache.
util::Error not_in_cache(const std::string& url);

// Deno's message when a module's body does not match deno.lock's `remote` hash.
std::string remote_integrity_message(const std::string& url, const std::string& actual,
                                     const std::string& expected);

}  // namespace bundler
