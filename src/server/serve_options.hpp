#pragma once

// From `sbfn serve`'s arguments to the options the server runs with: the defaults that
// come from the project (functions folder, supabase/config.toml) and from the host's
// environment. The CLI only declares the arguments.

#include "project/environment.hpp"
#include "server/server.hpp"

#include <cstddef>
#include <string>
#include <vector>

namespace server {

// The arguments as given; an empty string (or empty list) means "not given".
struct ServeArguments {
  std::vector<std::string> names;
  std::string functions_dir;
  std::string host = "127.0.0.1";
  int port = 54321;
  std::size_t max_body_mb = 20;
  std::string log_format = "text";
  std::vector<std::string> env_files;
  bool no_verify_jwt = false;
  std::string jwt_secret;
  std::string jwks_file;
  std::string policy;  // empty: config.toml's [edge_runtime] policy, else per_worker
  runtime::WorkerLimits limits;
  std::size_t request_idle_timeout_ms = 150'000;
  std::size_t oneshot_max_workers = 32;
  std::size_t max_parallelism = 0;  // 0: cores - 1, at least 1 (1 under --inspect)
  std::size_t request_wait_timeout_ms = 10'000;
  std::size_t max_connections = 0;
  std::size_t request_read_timeout_ms = 30'000;
  std::size_t keep_alive_timeout_ms = 15'000;
  bool no_watch = false;
  std::string import_map;  // --import-map: for every function
  bool cached_only = false;
  bool frozen = false;
  std::vector<std::string> bundles;  // --bundle
  std::string main_service;          // --main-service
  bool preload = false;
  unsigned io_threads = 0;
  project::EnvSources env;
  std::string admin_token_file;  // --admin-token-file: the admin API
  std::string state_dir;         // --state-dir
  bool admin_insecure = false;
  bool metrics = false;  // --metrics
  std::string tls_cert;  // --tls-cert, --tls-key: HTTPS
  std::string tls_key;
  double graceful_exit_timeout_s = 10;
  std::optional<runtime::inspector::Settings> inspect;  // --inspect and its kin
  bool inspect_main = false;                // --inspect-main: the main service's worker too
  bool inspect_address_given = false;       // else config.toml's inspector_port may name it
  bool request_idle_timeout_given = false;  // --request-idle-timeout was given
};

// Fills in what was not given: the functions folder (default_functions_dir()), the
// project's supabase/config.toml, the JWT secret ($SUPABASE_AUTH_JWT_SECRET, then
// $JWT_SECRET), the JWK Set (the --jwks file, else $SUPABASE_JWKS), the new API keys
// ($SUPABASE_PUBLISHABLE_KEY, $SUPABASE_SECRET_KEY) and the policy (config.toml's
// [edge_runtime] policy, else per_worker); a CPU hard limit below the soft one is raised
// to it. Under a debugger (--inspect), a worker has no wall-clock limit (as Supabase's CLI
// sets it to 0) and a request waits for its answer as long as the debugger holds it (no
// idle timeout unless --request-idle-timeout was given). Throws util::Error for a --functions-dir
// that is not a folder, an unreadable JWKS file or a bad config.toml policy.
ServeOptions resolve_serve_options(const ServeArguments& args);

}  // namespace server
