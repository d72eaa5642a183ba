#pragma once

// The HTTP front of `sbfn serve`: listener, router, worker table, logs.

#include "project/environment.hpp"

#include "bundler/function_modules.hpp"
#include "runtime/inspector/inspector.hpp"
#include "runtime/runtime.hpp"

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <optional>
#include <string>
#include <vector>

namespace server {

struct ServeOptions {
  std::filesystem::path functions_dir;
  std::optional<std::filesystem::path> config_toml;
  std::vector<std::string> only;  // serve just these slugs (all when empty)
  std::string host = "127.0.0.1";
  std::uint16_t port = 54321;
  std::size_t max_body_bytes = 20u << 20;
  bool json_logs = false;
  unsigned io_threads = 0;  // threads parsing HTTP; 0: one per core

  project::EnvSources env;  // env.functions_dir is filled in from functions_dir

  bool verify_jwt = true;  // false: --no-verify-jwt, for every function
  std::string jwt_secret;  // empty: the local-development secret
  std::optional<std::string> jwks_json;

  enum class Policy { per_worker, oneshot };
  Policy policy = Policy::per_worker;
  runtime::WorkerLimits limits;
  std::size_t request_idle_timeout_ms = 150'000;
  std::size_t oneshot_max_workers = 32;          // oneshot: live workers at most
  std::size_t max_parallelism = 1;               // per_worker: workers of one function at most
  std::size_t request_wait_timeout_ms = 10'000;  // oneshot: wait for one, then 503
  std::size_t max_connections = 0;               // 0: sized from the open-file limit
  std::size_t request_read_timeout_ms = 30'000;
  std::size_t keep_alive_timeout_ms = 15'000;
  bool watch = true;                                // hot reload
  std::optional<std::filesystem::path> import_map;  // --import-map, absolute
  bundler::ResolveOptions resolve;                  // --cached-only, --frozen
  bool preload = false;  // download every function's imports before listening
  // --bundle: .sbfn files, or folders of them, served beside the functions folder.
  std::vector<std::filesystem::path> bundles;
  // --main-service: this main service (main_service.hpp) answers every request in place of
  // the router, the API keys and the JWT gate.
  std::optional<std::filesystem::path> main_service;

  // --admin-token-file: the admin API under /_admin/v1/ (admin/admin_api.hpp), deployed
  // functions and secrets kept in state_dir (empty: default_state_dir()).
  std::optional<std::filesystem::path> admin_token_file;
  std::filesystem::path state_dir;
  bool admin_insecure = false;  // allow the admin API over plain HTTP off loopback
  // --tls-cert/--tls-key: HTTPS on the port (tls_front.hpp); SIGHUP reloads them.
  std::optional<std::filesystem::path> tls_cert;
  std::optional<std::filesystem::path> tls_key;
  bool metrics = false;  // GET /metrics (metrics.hpp); the admin API has it regardless
  // --inspect, --inspect-wait, --inspect-brk: V8's inspector on every worker, its port
  // opened before the first worker boots (runtime/inspector/inspector.hpp).
  std::optional<runtime::inspector::Settings> inspect;
  bool inspect_main = false;  // the main service's worker is a target as well
  // SIGTERM/SIGINT: how long open requests may run before the server stops anyway.
  std::chrono::milliseconds graceful_exit_timeout{10'000};
};

// `$XDG_STATE_HOME/sbfn`, else `~/.local/state/sbfn`.
std::filesystem::path default_state_dir();

// A server inside another command (`sbfn test --serve`) rather than a process of its own.
struct Embedding {
  // Every log line, instead of stdout/stderr.
  std::function<void(int fd, const std::string& line)> log;
  // Called once listening, with the bound port and a function that stops the server (open
  // requests finish first). No signal handlers are installed.
  std::function<void(std::uint16_t port, std::function<void()> stop)> listening;
};

// Serves until SIGINT/SIGTERM (or, embedded, until stopped), then drains for up to
// graceful_exit_timeout.
// Returns the exit code; throws util::Error for a configuration a person must fix.
int serve(const ServeOptions& options, const Embedding* embedding = nullptr);

}  // namespace server
