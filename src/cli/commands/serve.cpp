#include "server/serve_options.hpp"

#include "cli/commands/commands.hpp"
#include "cli/commands/inspect_flags.hpp"

namespace cli {

Command serve_command() {
  return {
      "serve", "Serve every function of the project on the sbfn runtime",
      [](CLI::App& app) -> std::function<int()> {
        auto args = std::make_shared<server::ServeArguments>();
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
        app.add_option("--memory-limit", args->limits.memory_limit_mb,
                       "Memory limit per worker, MB: the JS heap plus ArrayBuffers, Wasm memory "
                       "and read buffers")
            ->check(CLI::Range(16, 16384))
            ->capture_default_str();
        app.add_option("--cpu-soft-limit", args->limits.cpu_soft_limit_ms,
                       "CPU ms a worker may use over its life before it is retired")
            ->check(CLI::Range(1, 3'600'000))
            ->capture_default_str();
        app.add_option("--cpu-hard-limit", args->limits.cpu_hard_limit_ms,
                       "CPU ms a worker may use over its life before it is terminated (546)")
            ->check(CLI::Range(1, 3'600'000))
            ->capture_default_str();
        app.add_option("--wall-clock-limit", args->limits.wall_clock_limit_ms,
                       "Lifetime of a worker in ms (retired at half, terminated at the end)")
            ->check(CLI::Range(100, 86'400'000))
            ->capture_default_str();
        auto* idle_timeout =
            app.add_option("--request-idle-timeout", args->request_idle_timeout_ms,
                           "ms a request may wait without any response (then 504; none by "
                           "default under --inspect)")
                ->check(CLI::Range(10, 86'400'000))
                ->capture_default_str();
        app.add_option("--oneshot-max-workers", args->oneshot_max_workers,
                       "oneshot: most workers alive at once (busy with a request or its "
                       "waitUntil work); more requests wait for one")
            ->check(CLI::Range(1, 4096))
            ->capture_default_str();
        app.add_option("--max-parallelism", args->max_parallelism,
                       "per_worker: most workers of one function at once, each on a thread of "
                       "its own; another boots when every one is busy (default: one less than the "
                       "number of cores, at least 1; 1 under --inspect)")
            ->check(CLI::Range(1, 1024));
        app.add_option("--request-wait-timeout", args->request_wait_timeout_ms,
                       "oneshot: ms a request waits for a free worker (then 503)")
            ->check(CLI::Range(1, 3'600'000))
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
        app.add_option("--import-map", args->import_map,
                       "Import map for every function (over config.toml and deno.json)")
            ->check(CLI::ExistingFile);
        app.add_flag("--cached-only", args->cached_only,
                     "Never touch the network: remote modules must be in the cache");
        app.add_flag("--frozen", args->frozen,
                     "Fail instead of writing deno.lock when it would change");
        app.add_flag("--preload", args->preload,
                     "Resolve and download every function's imports before listening, "
                     "instead of at its first request");
        app.add_option("--main-service", args->main_service,
                       "Run this main service (a folder or a .sbfn artifact) in front of "
                       "every request, as edge-runtime does: it routes with "
                       "EdgeRuntime.userWorkers");
        app.add_option("--bundle", args->bundles,
                       "Serve functions from these .sbfn artifacts (files, or folders of them) "
                       "as well; one takes the place of a folder of the same name");
        app.add_option("--io-threads", args->io_threads,
                       "Threads that parse HTTP (default: one per core; workers have their own)")
            ->check(CLI::Range(1, 256));
        app.add_option("--admin-token-file", args->admin_token_file,
                       "Expose the admin API under /_admin/v1/ (sbfn deploy --to, sbfn secrets) "
                       "to clients sending the token in this file")
            ->check(CLI::ExistingFile);
        app.add_option("--state-dir", args->state_dir,
                       "Where deployed functions and secrets are kept (default: "
                       "$XDG_STATE_HOME/sbfn or ~/.local/state/sbfn)");
        app.add_flag("--admin-insecure", args->admin_insecure,
                     "Allow the admin API over plain HTTP on a non-loopback address (a TLS "
                     "proxy in front)");
        app.add_flag("--metrics", args->metrics,
                     "Answer GET /metrics in Prometheus' text format (the admin API has it at "
                     "/_admin/v1/metrics regardless)");
        app.add_option("--tls-cert", args->tls_cert,
                       "Serve HTTPS with this PEM certificate chain (reloaded on SIGHUP)")
            ->check(CLI::ExistingFile);
        app.add_option("--tls-key", args->tls_key, "The PEM private key of --tls-cert")
            ->check(CLI::ExistingFile);
        app.add_option("--graceful-exit-timeout", args->graceful_exit_timeout_s,
                       "Seconds open requests may run after SIGTERM/SIGINT")
            ->check(CLI::Range(0.0, 3600.0))
            ->capture_default_str();
        app.add_option("--log-format", args->log_format, "Log lines as text or json")
            ->check(CLI::IsMember({"text", "json"}))
            ->capture_default_str();
        auto inspect = std::make_shared<InspectFlags>();
        add_inspect_flags(app, *inspect);
        app.add_flag("--inspect-main", args->inspect_main,
                     "With --main-service and --inspect (or its kin): the main service's worker "
                     "is a target too (it runs at once; a debugger may attach at any time)");
        return [args, inspect, idle_timeout] {
          args->inspect = inspect_settings(*inspect);
          args->inspect_address_given = inspect_address_given(*inspect);
          if (args->inspect_main && !args->inspect) {
            return usage_error("serve",
                               "--inspect-main needs --inspect, --inspect-wait, --inspect-brk or "
                               "--inspect-mode");
          }
          if (args->inspect_main && args->main_service.empty()) {
            return usage_error("serve",
                               "--inspect-main is for a main service: it needs "
                               "--main-service");
          }
          args->request_idle_timeout_given = idle_timeout->count() > 0;
          return server::serve(server::resolve_serve_options(*args));
        };
      }};
}

}  // namespace cli
