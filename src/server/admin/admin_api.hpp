#pragma once

// The admin API of a remote `sbfn serve` (`--admin-token-file`), under /_admin/v1/:
//
//   GET    functions                  every served function; deployed ones with versions
//   GET    functions/<slug>           one
//   PUT    functions/<slug>           body: a .sbfn artifact; booted, then served (201);
//                                     ?verify_jwt=true|false, else as the last version
//   POST   functions/<slug>/rollback  the previous version served again
//   DELETE functions/<slug>           no longer served; its versions forgotten
//   GET    secrets                    names and SHA-256 digests, never values
//   POST   secrets                    [{"name","value"}]: set (201)
//   DELETE secrets                    ["NAME"]: unset
//   GET    metrics                    the server's metrics, in Prometheus' text format
//
// Every request carries `Authorization: Bearer <token>`. Errors are {"error": message}.
// Changes run one at a time on a thread of their own: a boot never holds an I/O thread.

#include "server/admin/deployments.hpp"
#include "server/functions.hpp"

#include "runtime/http.hpp"

#include <boost/asio/thread_pool.hpp>

#include <chrono>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <vector>

namespace server {
class Logger;
}

namespace server::admin {

// The largest artifact an upload may carry.
constexpr std::size_t k_max_artifact_bytes = 512u << 20;

struct AdminHooks {
  // Makes the served set what it should be now (folders, --bundle, deployed()), taking the
  // given booted workers for the functions they were booted for.
  std::function<void(std::map<std::string, std::shared_ptr<runtime::Worker>> warm)> publish;
  // Secrets changed: every function boots afresh with them.
  std::function<void()> secrets_changed;
  // GET metrics: the server's /metrics page (metrics.hpp).
  std::function<std::string()> metrics_page;
};

class AdminApi {
 public:
  // Loads the deployed functions from the state dir; an artifact that no longer reads is
  // logged and left out.
  AdminApi(std::string token, const std::filesystem::path& state_dir, Logger& log,
           AdminHooks hooks);
  ~AdminApi();  // waits for a change in progress

  // The table the functions are served from; before the first request.
  void attach(FunctionTable& functions) { m_functions = &functions; }

  // For the server's sessions, on any thread.
  void handle(runtime::HttpRequest request, std::shared_ptr<runtime::ResponseSink> sink);

  // The deployed functions, at their current versions.
  std::vector<FunctionSpec> deployed() const;
  // Secrets, for a booting worker's environment.
  std::vector<std::pair<std::string, std::string>> secrets() const { return m_secrets.values(); }

  struct Reply {
    int status;
    std::string body;  // JSON, unless content_type says otherwise
    std::string content_type = "application/json";
  };

 private:
  Reply run(const std::string& method, const std::string& path, const std::string& query,
            const std::string& body);
  // `verify_jwt` unset: the previous version's, else the artifact's.
  Reply deploy(const std::string& slug, const std::string& artifact,
               std::optional<bool> verify_jwt);
  Reply rollback(const std::string& slug);
  Reply remove(const std::string& slug);
  Reply describe(const std::string& slug) const;
  Reply list() const;
  Reply set_secrets(const std::string& body);
  Reply unset_secrets(const std::string& body);
  // Reads the artifact of `version` and boots it: the spec and its worker, or an error.
  std::optional<Reply> load_and_boot(const std::string& slug, const DeployedVersion& version,
                                     FunctionSpec& spec, std::shared_ptr<runtime::Worker>& worker);

  std::string m_token_digest;  // SHA-256 of the token: compared in constant time
  Deployments m_deployments;
  Secrets m_secrets;
  FunctionTable* m_functions = nullptr;
  Logger& m_log;
  AdminHooks m_hooks;
  mutable std::mutex m_specs_mutex;
  std::map<std::string, FunctionSpec> m_specs;  // slug -> the current version's spec
  boost::asio::thread_pool m_thread{1};
};

}  // namespace server::admin
