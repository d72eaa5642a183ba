#include "server/serve_options.hpp"

#include "project/config.hpp"

#include "util/error.hpp"
#include "util/files.hpp"

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <thread>
#include <tuple>
#include <utility>

namespace server {
namespace {

std::string host_variable(const char* name) {
  const char* value = std::getenv(name);
  return value ? value : "";
}

}  // namespace

ServeOptions resolve_serve_options(const ServeArguments& args) {
  ServeOptions options;
  options.functions_dir = args.functions_dir.empty() ? project::default_functions_dir()
                                                     : std::filesystem::path(args.functions_dir);
  if (!args.functions_dir.empty() && !std::filesystem::is_directory(options.functions_dir)) {
    throw util::Error("--functions-dir " + args.functions_dir + " is not a folder");
  }
  options.config_toml = project::find_config_toml();
  options.only = args.names;
  options.host = args.host;
  options.port = static_cast<std::uint16_t>(args.port);
  options.max_body_bytes = args.max_body_mb << 20;
  options.json_logs = args.log_format == "json";
  options.env = args.env;
  for (const auto& file : args.env_files) {
    options.env.env_files.emplace_back(file);
  }
  options.verify_jwt = !args.no_verify_jwt;
  options.jwt_secret = args.jwt_secret;
  for (const char* name : {"SUPABASE_AUTH_JWT_SECRET", "JWT_SECRET"}) {
    if (options.jwt_secret.empty()) {
      options.jwt_secret = host_variable(name);
    }
  }
  // What a container is given (the image's entrypoint has no flags for them): the project's
  // URL and keys, each only when its flag is absent.
  for (auto [value, name] : {std::pair{&options.env.publishable_key, "SUPABASE_PUBLISHABLE_KEY"},
                             {&options.env.secret_key, "SUPABASE_SECRET_KEY"},
                             {&options.env.anon_key, "SUPABASE_ANON_KEY"},
                             {&options.env.service_role_key, "SUPABASE_SERVICE_ROLE_KEY"}}) {
    if (value->empty()) {
      *value = host_variable(name);
    }
  }
  // These two have local defaults: a flag left at its default gives way to the variable.
  const project::EnvSources defaults;
  for (auto [value, fallback, name] :
       {std::tuple{&options.env.supabase_url, defaults.supabase_url, "SUPABASE_URL"},
        {&options.env.db_url, defaults.db_url, "SUPABASE_DB_URL"}}) {
    if (*value == fallback && !host_variable(name).empty()) {
      *value = host_variable(name);
    }
  }
  if (!args.jwks_file.empty()) {
    options.jwks_json = util::read_file(args.jwks_file);
  } else if (auto jwks = host_variable("SUPABASE_JWKS"); !jwks.empty()) {
    options.jwks_json = jwks;
  }
  auto policy = args.policy;
  if (policy.empty() && options.config_toml) {
    policy = project::edge_runtime_policy(*options.config_toml).value_or("");
  }
  options.policy =
      policy == "oneshot" ? ServeOptions::Policy::oneshot : ServeOptions::Policy::per_worker;
  options.limits = args.limits;
  options.limits.cpu_hard_limit_ms =
      std::max(args.limits.cpu_hard_limit_ms, args.limits.cpu_soft_limit_ms);
  options.request_idle_timeout_ms = args.request_idle_timeout_ms;
  options.oneshot_max_workers = args.oneshot_max_workers;
  options.request_wait_timeout_ms = args.request_wait_timeout_ms;
  options.max_connections = args.max_connections;
  options.request_read_timeout_ms = args.request_read_timeout_ms;
  options.keep_alive_timeout_ms = args.keep_alive_timeout_ms;
  options.watch = !args.no_watch;
  if (!args.import_map.empty()) {
    options.import_map = std::filesystem::absolute(args.import_map).lexically_normal();
  }
  options.resolve.cached_only = args.cached_only;
  options.resolve.frozen = args.frozen;
  options.bundles.assign(args.bundles.begin(), args.bundles.end());
  if (!args.main_service.empty()) {
    if (!args.admin_token_file.empty()) {
      throw util::Error(
          "--main-service and --admin-token-file cannot be combined: the main "
          "service answers every request");
    }
    if (!std::filesystem::exists(args.main_service)) {
      throw util::Error("--main-service " + args.main_service + ": no such folder or file");
    }
    options.main_service = std::filesystem::path(args.main_service);
  }
  options.preload = args.preload;
  options.io_threads = args.io_threads;
  if (!args.admin_token_file.empty()) {
    options.admin_token_file = args.admin_token_file;
  }
  options.state_dir = args.state_dir;
  options.admin_insecure = args.admin_insecure;
  options.metrics = args.metrics;
  if (args.tls_cert.empty() != args.tls_key.empty()) {
    throw util::Error(args.tls_cert.empty() ? "--tls-key needs --tls-cert (the certificate chain)"
                                            : "--tls-cert needs --tls-key (its private key)");
  }
  if (!args.tls_cert.empty()) {
    options.tls_cert = args.tls_cert;
    options.tls_key = args.tls_key;
  }
  options.inspect = args.inspect;
  options.inspect_main = args.inspect_main;
  if (options.inspect && !args.inspect_address_given && options.config_toml) {
    if (auto port = project::edge_runtime_inspector_port(*options.config_toml)) {
      options.inspect->address.port = *port;
    }
  }
  // A debugger attached to one function expects one isolate to stop in. A core is left
  // to the server's own threads and the rest of the machine: on the 2-core VM a second
  // worker made hello-world 18 % slower (bench/run.sh, wrk on the same machine).
  options.max_parallelism = args.max_parallelism;
  if (options.max_parallelism == 0) {
    auto cores = std::thread::hardware_concurrency();
    options.max_parallelism = args.inspect || cores < 2 ? 1 : cores - 1;
  }
  if (options.inspect) {
    // A worker paused at a breakpoint must not be ended by the clock; CPU limits stay (a
    // paused thread uses no CPU time).
    options.limits.wall_clock_limit_ms = 0;
    if (!args.request_idle_timeout_given) {
      options.request_idle_timeout_ms = 86'400'000;
    }
  }
  options.graceful_exit_timeout =
      std::chrono::milliseconds(static_cast<long long>(args.graceful_exit_timeout_s * 1000));
  return options;
}

}  // namespace server
