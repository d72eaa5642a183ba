#pragma once

// Talking to npm registries: packuments (abbreviated metadata, taken from the cache when
// it holds them and revalidated with their etag when a version is missing) and tarballs, many at
// once, with the .npmrc credentials, and with messages a person can act on when a registry is
// missing, down, or wants a token.

#include "bundler/cache.hpp"
#include "bundler/http_client.hpp"
#include "bundler/npm/npmrc.hpp"
#include "bundler/npm/packument.hpp"

#include <future>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <variant>
#include <vector>

namespace bundler {

class NpmRegistry {
 public:
  // With `cached_only`, nothing is downloaded: packuments come from the cache as they are.
  // With `reload`, cached packuments are not read: every one is downloaded again.
  NpmRegistry(const Cache& cache, HttpClient& http, const Npmrc& npmrc, bool cached_only,
              bool reload = false);

  // Reads from the cache, or fetches in parallel, the packuments of `names` this registry
  // does not hold yet. Failures are kept and reported by packument()/find() for the name
  // that needs them.
  void prefetch(const std::vector<std::string>& names);
  // Revalidates a packument that was taken from the cache, for a requirement it cannot
  // meet; true when a newer one arrived (packument() then returns it). Packuments handed
  // out before stay valid.
  bool refresh(const std::string& name);
  // The packument of `name`, or nullptr when the registry says it does not exist (404).
  // Throws util::Error for anything else that went wrong.
  const Packument* find(const std::string& name);
  // The packument of `name`; a missing package is an error too.
  const Packument& packument(const std::string& name);

  // "{registry}{name}/-/{basename}-{version}.tgz": where a lockfile without a `tarball`
  // field sends us.
  std::string default_tarball_url(const std::string& name, const std::string& version) const;
  // The registry's host ("registry.npmjs.org", "127.0.0.1_4873" with a port), as Deno
  // names the cache folder of a registry.
  std::string host_folder(const std::string& name) const;

  struct Download {
    std::string package;  // "zod@3.23.8", for messages
    std::string url;
  };
  // Starts downloading, in the background, the tarballs of `downloads` that the cache does
  // not hold yet, so that they arrive while the rest of the tree is being resolved (as
  // Deno does). download() picks them up.
  void prefetch_tarballs(const std::vector<Download>& downloads);
  // Downloads tarballs in parallel. Each result is the body, or nullopt with the message
  // in `errors[i]` (a cut-off download, a refused token, a registry that is down).
  std::vector<std::optional<std::string>> download(const std::vector<Download>& downloads,
                                                   std::vector<std::string>& errors);

  bool cached_only() const { return m_cached_only; }

 private:
  struct Entry {
    std::unique_ptr<Packument> packument;
    bool missing = false;
    bool from_cache = false;  // not revalidated this run
    std::string error;
  };
  // Fetches the packuments of `names`, revalidating what the cache holds.
  void fetch(const std::vector<std::string>& names);
  HttpRequest request_for(const std::string& url, const std::string& accept) const;
  std::string packument_url(const std::string& name) const;
  // The message for a response that is not a 2xx/304 one.
  std::string failure(const std::string& what, const std::string& url, const HttpResponse& response,
                      bool sent_credentials) const;

  const Cache& m_cache;
  HttpClient& m_http;
  const Npmrc& m_npmrc;
  bool m_cached_only;
  bool m_reload;
  std::map<std::string, Entry> m_entries;
  std::vector<std::unique_ptr<Packument>> m_superseded;
  using Result = std::variant<HttpResponse, std::string>;
  std::map<std::string, std::shared_future<Result>> m_prefetched;  // tarball URL -> download
};

}  // namespace bundler
