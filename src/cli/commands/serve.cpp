#include "project/config.hpp"
#include "server/server.hpp"

#include "cli/commands/commands.hpp"
#include "util/error.hpp"
#include "util/files.hpp"

#include <cstdlib>
#include <filesystem>

namespace cli {
namespace {

struct ServeArgs {
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
  std::size_t memory_limit_mb = 256;
  std::size_t cpu_soft_limit_ms = 1000;
  std::size_t cpu_hard_limit_ms = 2000;
  std::size_t wall_clock_limit_ms = 400'000;
  std::size_t request_idle_timeout_ms = 150'000;
  std::size_t max_connections = 0;
  std::size_t request_read_timeout_ms = 30'000;
  std::size_t keep_alive_timeout_ms = 15'000;
  bool no_watch = false;
  unsigned io_threads = 0;
  server::EnvSources env;
};

// supabase/functions when it exists (a Supabase project), else functions/.
std::filesystem::path default_functions_dir() {
  return std::filesystem::is_directory("supabase/functions") ? "supabase/functions" : "functions";
}

std::string host_variable(const char* name) {
  const char* value = std::getenv(name);
  return value ? value : "";
}

int run(const ServeArgs& args) {
  server::ServeOptions options;
  options.functions_dir = args.functions_dir.empty() ? default_functions_dir()
                                                     : std::filesystem::path(args.functions_dir);
  if (!args.functions_dir.empty() && !std::filesystem::is_directory(options.functions_dir)) {
    throw util::Error("--functions-dir " + args.functions_dir + " is not a folder");
  }
  if (auto config = std::filesystem::path("supabase/config.toml");
      std::filesystem::exists(config)) {
    options.config_toml = config;
  }
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
  if (options.env.publishable_key.empty()) {
    options.env.publishable_key = host_variable("SUPABASE_PUBLISHABLE_KEY");
  }
  if (options.env.secret_key.empty()) {
    options.env.secret_key = host_variable("SUPABASE_SECRET_KEY");
  }
  if (!args.jwks_file.empty()) {
    options.jwks_json = util::read_file(args.jwks_file);
  } else if (auto jwks = host_variable("SUPABASE_JWKS"); !jwks.empty()) {
    options.jwks_json = jwks;
  }
  auto policy = args.policy;
  if (policy.empty() && options.config_toml) {
    policy = server::edge_runtime_policy(*options.config_toml).value_or("");
  }
  options.policy = policy == "oneshot" ? server::ServeOptions::Policy::oneshot
                                       : server::ServeOptions::Policy::per_worker;
  options.memory_limit_mb = args.memory_limit_mb;
  options.cpu_soft_limit_ms = args.cpu_soft_limit_ms;
  options.cpu_hard_limit_ms = std::max(args.cpu_hard_limit_ms, args.cpu_soft_limit_ms);
  options.wall_clock_limit_ms = args.wall_clock_limit_ms;
  options.request_idle_timeout_ms = args.request_idle_timeout_ms;
  options.max_connections = args.max_connections;
  options.request_read_timeout_ms = args.request_read_timeout_ms;
  options.keep_alive_timeout_ms = args.keep_alive_timeout_ms;
  options.watch = !args.no_watch;
  options.io_threads = args.io_threads;
  return server::serve(options);
}

}  // namespace

Command serve_command() {
  return {
      "serve", "Serve every function of the project on the sbfn runtime",
      [](CLI::App& app) -> std::function<int()> {
        auto args = std::make_shared<ServeArgs>();
        app.add_option("names", args->names,
                       "Serve only these functions (default: all that are found)");
        app.add_option("--functions-dir", args->functions_dir,
                       "Folder holding <name>/index.ts (default: supabase/functions if it "
                       "exists, else functions)");
        app.add_option("--host", args->host, "Address to listen on")->capture_default_str();
        app.add_option("--port", args->port, "Port to listen on (0 picks a free one)")
            ->check(CLI::Range(0, 65535))
            ->capture_default_str();
        app.add_option("--env-file", args->env_files,
                       "Env file(s) for every function (default: <functions dir>/.env, plus "
                       "<function>/.env for that function)")
            ->check(CLI::ExistingFile);
        app.add_flag("--no-verify-jwt", args->no_verify_jwt,
                     "Do not check the Authorization header of any function");
        app.add_option("--jwt-secret", args->jwt_secret,
                       "HS256 secret (default: $SUPABASE_AUTH_JWT_SECRET, $JWT_SECRET, else "
                       "the local-development secret)");
        app.add_option("--jwks", args->jwks_file,
                       "JWK Set file for ES256/RS256 tokens (default: $SUPABASE_JWKS)")
            ->check(CLI::ExistingFile);
        app.add_option("--policy", args->policy,
                       "per_worker: a worker serves many requests; oneshot: a fresh worker "
                       "per request (default: [edge_runtime] policy of supabase/config.toml, "
                       "else per_worker)")
            ->check(CLI::IsMember({"per_worker", "oneshot"}));
        app.add_option("--memory-limit", args->memory_limit_mb, "Heap limit per worker, MB")
            ->check(CLI::Range(16, 16384))
            ->capture_default_str();
        app.add_option("--cpu-soft-limit", args->cpu_soft_limit_ms,
                       "CPU ms a worker may use over its life before it is retired")
            ->check(CLI::Range(1, 3'600'000))
            ->capture_default_str();
        app.add_option("--cpu-hard-limit", args->cpu_hard_limit_ms,
                       "CPU ms a worker may use over its life before it is terminated (546)")
            ->check(CLI::Range(1, 3'600'000))
            ->capture_default_str();
        app.add_option("--wall-clock-limit", args->wall_clock_limit_ms,
                       "Lifetime of a worker in ms (retired at half, terminated at the end)")
            ->check(CLI::Range(100, 86'400'000))
            ->capture_default_str();
        app.add_option("--request-idle-timeout", args->request_idle_timeout_ms,
                       "ms a request may wait without any response (then 504)")
            ->check(CLI::Range(10, 86'400'000))
            ->capture_default_str();
        app.add_option("--max-connections", args->max_connections,
                       "Open client connections at most; more are answered 503 and closed "
                       "(default: three quarters of the open-file limit)")
            ->check(CLI::Range(1, 10'000'000));
        app.add_option("--request-read-timeout", args->request_read_timeout_ms,
                       "ms a client may take to send a request head once it started, and "
                       "each piece of a body (then the connection is closed)")
            ->check(CLI::Range(10, 86'400'000))
            ->capture_default_str();
        app.add_option("--keep-alive-timeout", args->keep_alive_timeout_ms,
                       "ms an idle connection is kept open waiting for its next request")
            ->check(CLI::Range(10, 86'400'000))
            ->capture_default_str();
        app.add_option("--max-body-size", args->max_body_mb,
                       "Largest request body accepted, in MB (larger ones get 413)")
            ->check(CLI::Range(1, 1024))
            ->capture_default_str();
        app.add_option("--supabase-url", args->env.supabase_url, "SUPABASE_URL given to functions")
            ->capture_default_str();
        app.add_option("--anon-key", args->env.anon_key,
                       "SUPABASE_ANON_KEY (default: the local demo anon key)");
        app.add_option("--service-role-key", args->env.service_role_key,
                       "SUPABASE_SERVICE_ROLE_KEY (default: the local demo key)");
        app.add_option("--publishable-key", args->env.publishable_key,
                       "SUPABASE_PUBLISHABLE_KEY; an apikey header holding it passes as the anon "
                       "key (default: $SUPABASE_PUBLISHABLE_KEY, else the local stack's key)");
        app.add_option("--secret-key", args->env.secret_key,
                       "SUPABASE_SECRET_KEY; an apikey header holding it passes as the "
                       "service_role key (default: $SUPABASE_SECRET_KEY, else the local key)");
        app.add_option("--db-url", args->env.db_url, "SUPABASE_DB_URL given to functions")
            ->capture_default_str();
        app.add_flag("--no-watch", args->no_watch, "Turn hot reload off");
        app.add_option("--io-threads", args->io_threads,
                       "Threads that parse HTTP (default: one per core; workers have their own)")
            ->check(CLI::Range(1, 256));
        app.add_option("--log-format", args->log_format, "Log lines as text or json")
            ->check(CLI::IsMember({"text", "json"}))
            ->capture_default_str();
        return [args] { return run(*args); };
      }};
}

}  // namespace cli
