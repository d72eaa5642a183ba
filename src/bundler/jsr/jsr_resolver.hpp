#pragma once

// jsr: packages (deno.md §2): meta.json (cached, asked again when no cached version fits)
// and <version>_meta.json (immutable) from JSR_URL, the version chosen exactly as Deno's
// graph does (lock pin, a version already chosen in this graph, the highest non-yanked,
// then a yanked one), exports -> the module's https URL, and every file checked against
// the version's manifest (sha256), also when it comes from the cache. deno.lock gets the
// specifier's version, the version metadata's sha256 and the package's dependencies.
// Sources are returned as published (TypeScript): transpiling is the runtime's job.

#include "bundler/cache.hpp"
#include "bundler/http_client.hpp"
#include "bundler/jsr/package_req.hpp"
#include "bundler/lock.hpp"
#include "bundler/remote/auth_tokens.hpp"
#include "bundler/remote/media_type.hpp"

#include <nlohmann/json.hpp>

#include <map>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <vector>

namespace bundler {

// JSR_URL with a trailing "/", or https://jsr.io/.
std::string jsr_url_from_environment();

struct JsrOptions {
  bool cached_only = false;  // never touch the network
  bool frozen = false;       // a lock entry that would have to be added is an error
  std::string registry_url = jsr_url_from_environment();
  AuthTokens auth_tokens = AuthTokens::from_environment();
  bool reload = false;  // package metadata fetched afresh (ResolveOptions::reload)
};

struct JsrModule {
  std::string url;
  MediaType media_type = MediaType::unknown;
  std::string source;  // empty for .d.ts files, which are never fetched
};

class JsrResolver {
 public:
  JsrResolver(Cache& cache, HttpClient& http, Lock& lock, JsrOptions options = {});

  // "jsr:@std/path@^1/posix" -> "<registry>@std/path/1.0.8/posix/mod.ts". Throws
  // util::Error with Deno's message for a bad specifier, a missing package or version,
  // an unknown export (listing the package's exports), or a lock integrity mismatch.
  std::string resolve(const std::string& specifier);
  std::string resolve(const PackageReqReference& reference);
  // Several at once: the registry's metadata is downloaded in parallel first.
  std::vector<std::string> resolve_all(const std::vector<std::string>& specifiers);

  // Whether `url` names a file of a package on this registry.
  bool owns(const std::string& url) const;
  // A package file, checked against its version's manifest. `.d.ts` files are not
  // fetched (types only): their source is empty.
  JsrModule load(const std::string& url);
  // Several files at once, downloaded in parallel.
  std::vector<JsrModule> load_all(const std::vector<std::string>& urls);

  // Notes that the package file `importer_url` imports `specifier` (a jsr: or npm:
  // requirement), for the package's `dependencies` in deno.lock.
  void record_dependency(const std::string& importer_url, const std::string& specifier);

 private:
  struct Fetched {
    long status = 0;
    std::string body;
    std::string error;  // a transfer failure, naming the URL
  };
  struct FileRef {
    std::string name;
    std::string version;
    std::string path;  // "/mod.ts"
  };

  std::vector<Fetched> fetch_many(const std::vector<std::string>& urls);
  std::string package_url(const std::string& name) const;
  // meta.json of `name`; `fresh` asks the registry even when it is cached.
  const nlohmann::json& package_meta(const std::string& name, bool fresh);
  const nlohmann::json& version_meta(const std::string& name, const std::string& version);
  void prefetch_package_meta(const std::vector<std::string>& names);
  void prefetch_version_meta(const std::vector<std::pair<std::string, std::string>>& nvs);
  void check_version_meta(const std::string& name, const std::string& version,
                          const std::string& bytes);
  std::string choose_version(const PackageReq& req);
  std::optional<FileRef> file_of(const std::string& url) const;
  std::string expected_checksum(const FileRef& file, const std::string& url);

  Cache& m_cache;
  HttpClient& m_http;
  Lock& m_lock;
  JsrOptions m_options;
  std::recursive_mutex m_mutex;                           // one resolver may serve several threads
  std::map<std::string, nlohmann::json> m_package_meta;   // name -> meta.json
  std::set<std::string> m_fresh_meta;                     // names asked of the registry this run
  std::map<std::string, nlohmann::json> m_version_meta;   // "name@version" -> _meta.json
  std::map<std::string, std::set<std::string>> m_chosen;  // name -> versions in this graph
};

}  // namespace bundler
