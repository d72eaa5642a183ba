#include "server/server.hpp"

#include "project/local_stack.hpp"
#include "project/static_files.hpp"
#include "server/acceptor.hpp"
#include "server/admin/admin_api.hpp"
#include "server/bundled_functions.hpp"
#include "server/functions.hpp"
#include "server/jwt.hpp"
#include "server/main_service.hpp"
#include "server/metrics.hpp"
#include "server/net.hpp"
#include "server/server_state.hpp"
#include "server/session.hpp"
#include "server/tls_front.hpp"

#include "runtime/inspector/inspector_server.hpp"
#include "util/error.hpp"
#include "util/files.hpp"
#include "util/watcher.hpp"

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>
#include <fcntl.h>
#include <malloc.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <map>
#include <optional>
#include <thread>

namespace server {
namespace {

using tcp = asio::ip::tcp;
using util::FileWatcher;

constexpr auto k_accept_pause = std::chrono::milliseconds(100);
constexpr std::string_view k_busy =
    "HTTP/1.1 503 Service Unavailable\r\ncontent-type: text/plain;charset=UTF-8\r\n"
    "content-length: 19\r\nconnection: close\r\n\r\nService Unavailable";

// glibc's malloc arenas, at most: malloc_trim hands back the free pages inside each arena
// but not the free top of an arena other than the main one, and each thread that ever
// allocated holds one (by default up to 8 per core, one per worker thread here). With
// many, what ended workers freed stayed resident: 16 functions' workers booted side by
// side left 74 to 347 MiB above a 46 MiB baseline, trim or not; with 2, 47 MiB (CTest
// serve.memory_returned). Threads then share the arenas' locks (glibc's per-thread cache
// serves small blocks without them).
constexpr int k_malloc_arenas = 2;

// Every connection is a descriptor, and the usual soft limit (1,024) is far below what
// the hard limit allows one server. Returns the limit now in force.
std::size_t raise_open_file_limit() {
  rlimit limit{};
  if (getrlimit(RLIMIT_NOFILE, &limit) != 0) {
    return 1024;
  }
  if (limit.rlim_cur < limit.rlim_max) {
    rlimit raised = limit;
    // An unlimited hard limit still stops at the kernel's nr_open (1,048,576 by default).
    raised.rlim_cur = limit.rlim_max == RLIM_INFINITY ? rlim_t{1} << 20 : limit.rlim_max;
    if (setrlimit(RLIMIT_NOFILE, &raised) == 0) {
      limit = raised;
    }
  }
  return limit.rlim_cur == RLIM_INFINITY ? std::size_t{1} << 20 : limit.rlim_cur;
}

// Leaves a quarter of the descriptors (at least 256) to what is not a client
// connection: workers' loops and their own sockets (fetch, Deno.connect), files, inotify.
std::size_t default_max_connections(std::size_t open_files) {
  auto reserve = std::max<std::size_t>(open_files / 4, 256);
  return open_files > 2 * reserve ? open_files - reserve : open_files / 2;
}

// Best effort: a client turned away learns why, if its socket takes the bytes at once.
// Its request, if already here, is read first: closing over unread bytes would reset
// the connection and could lose the answer.
void send_busy(int fd) {
  char discard[4096];
  std::ignore = ::recv(fd, discard, sizeof discard, MSG_DONTWAIT);
  std::ignore = ::send(fd, k_busy.data(), k_busy.size(), MSG_DONTWAIT | MSG_NOSIGNAL);
}

// `strict`: a name given on the command line must exist (at start-up; later, while
// serving, its folder may come and go like any other). A function served from an
// artifact (`bundled`) takes the place of a folder of the same name.
std::vector<FunctionSpec> select_functions(const ServeOptions& options,
                                           const std::vector<FunctionSpec>& bundled, bool strict) {
  auto configs = project::discover_functions(options.functions_dir, options.config_toml);
  auto is_bundled = [&](const std::string& slug) {
    return std::any_of(bundled.begin(), bundled.end(),
                       [&](const FunctionSpec& spec) { return spec.config.slug == slug; });
  };
  for (const auto& name : options.only) {
    bool known = is_bundled(name) ||
                 std::any_of(configs.begin(), configs.end(),
                             [&](const project::FunctionConfig& c) { return c.slug == name; });
    if (!known && strict) {
      throw util::Error("no function named \"" + name + "\" in " + options.functions_dir.string() +
                        (options.bundles.empty() ? "" : " or the --bundle artifacts"));
    }
  }
  auto wanted = [&](const std::string& slug) {
    return options.only.empty() ||
           std::find(options.only.begin(), options.only.end(), slug) != options.only.end();
  };
  std::vector<FunctionSpec> specs;
  for (auto& config : configs) {
    if (wanted(config.slug) && !is_bundled(config.slug)) {
      auto folder = std::filesystem::absolute(config.entrypoint).lexically_normal().parent_path();
      FunctionSpec spec;
      spec.config = std::move(config);
      spec.folder = std::move(folder);
      specs.push_back(std::move(spec));
    }
  }
  for (const auto& spec : bundled) {
    if (wanted(spec.config.slug)) {
      specs.push_back(spec);
    }
  }
  for (auto& spec : specs) {
    if (!options.verify_jwt) {
      spec.config.verify_jwt = false;
    }
  }
  std::sort(specs.begin(), specs.end(), [](const FunctionSpec& a, const FunctionSpec& b) {
    return a.config.slug < b.config.slug;
  });
  return specs;
}

// An env file every function reads: <functions dir>/.env or one given by --env-file.
bool is_shared_env_file(const std::filesystem::path& path, const ServeOptions& options) {
  auto root = std::filesystem::absolute(options.functions_dir).lexically_normal();
  if (path == root / ".env") {
    return true;
  }
  return std::any_of(options.env.env_files.begin(), options.env.env_files.end(),
                     [&](const auto& file) { return std::filesystem::absolute(file) == path; });
}

bool is_loopback(const std::string& host) {
  boost::system::error_code error;
  auto address = asio::ip::make_address(host, error);
  return !error && address.is_loopback();
}

// The admin API's token: the file's first line. Refused off loopback over plain HTTP, where
// anyone on the path could read it.
std::string read_admin_token(const ServeOptions& options) {
  const auto& file = *options.admin_token_file;
  auto text = util::try_read_file(file);
  if (!text) {
    throw util::Error("--admin-token-file " + file.string() + ": " + std::strerror(errno));
  }
  auto token = text->substr(0, text->find_first_of("\r\n"));
  while (!token.empty() && (token.back() == ' ' || token.back() == '\t')) {
    token.pop_back();
  }
  if (token.size() < 16) {
    throw util::Error("--admin-token-file " + file.string() +
                      ": the token must be at least 16 characters (try: openssl rand -hex 32 > " +
                      file.string() + ")");
  }
  if (!is_loopback(options.host) && !options.admin_insecure && !options.tls_cert) {
    throw util::Error("refusing to serve the admin API over plain HTTP on " + options.host +
                      ": its token would cross the network in the clear. Serve HTTPS "
                      "(--tls-cert/--tls-key), bind --host to 127.0.0.1, or pass "
                      "--admin-insecure when a TLS proxy is in front");
  }
  return token;
}

std::string seconds_text(std::chrono::milliseconds duration) {
  auto ms = duration.count();
  return ms % 1000 == 0 ? std::to_string(ms / 1000) + " s" : std::to_string(ms) + " ms";
}

class Listener {
 public:
  Listener(asio::io_context& io, tcp::endpoint endpoint, ServerState& state)
      : m_io(io),
        m_acceptor(asio::make_strand(io)),
        m_retry(m_acceptor.get_executor()),
        m_state(state) {
    if (auto error = listen_on(m_acceptor, endpoint)) {
      throw util::Error("cannot listen on " + endpoint.address().to_string() + ":" +
                        std::to_string(endpoint.port()) + ": " + error.message());
    }
  }

  std::uint16_t port() const { return m_acceptor.local_endpoint().port(); }

  ~Listener() {
    if (m_reserve >= 0) {
      ::close(m_reserve);
    }
  }

  void accept() {
    m_acceptor.async_accept(
        asio::make_strand(m_io), [this](boost::system::error_code error, tcp::socket socket) {
          if (error == asio::error::operation_aborted || !m_acceptor.is_open()) {
            return;
          }
          if (error) {
            on_accept_error(error);
            return;
          }
          if (m_state.connections.load(std::memory_order_relaxed) >= m_state.max_connections) {
            turn_away(socket.native_handle());
          } else {
            socket.set_option(tcp::no_delay(true), error);
            start_session(std::move(socket), m_state, ConnectionSlot(m_state.connections));
          }
          accept();
        });
  }

  void close() {
    asio::post(m_acceptor.get_executor(), [this] {
      boost::system::error_code ignored;
      m_acceptor.close(ignored);
    });
  }

 private:
  // Out of descriptors (or kernel memory) the pending connection stays in the backlog,
  // and accepting again at once would spin. The descriptor held in reserve lets us take
  // it and turn it away; then accepting pauses briefly.
  void on_accept_error(const boost::system::error_code& error) {
    auto code = error.value();
    if (code != EMFILE && code != ENFILE && code != ENOBUFS && code != ENOMEM) {
      accept();
      return;
    }
    if (m_reserve >= 0) {
      ::close(m_reserve);
      // Everyone waiting now would meet the same shortage: tell them at once.
      for (int shed = 0; shed < 256; ++shed) {
        int fd = ::accept4(m_acceptor.native_handle(), nullptr, nullptr, SOCK_CLOEXEC);
        if (fd < 0) {
          break;
        }
        turn_away(fd);
        ::close(fd);
      }
      m_reserve = ::open("/dev/null", O_RDONLY | O_CLOEXEC);
    }
    m_retry.expires_after(k_accept_pause);
    m_retry.async_wait([this](boost::system::error_code wait_error) {
      if (!wait_error && m_acceptor.is_open()) {
        accept();
      }
    });
  }

  void turn_away(int fd) {
    send_busy(fd);
    auto now = std::chrono::steady_clock::now();
    if (now - m_last_warning > std::chrono::seconds(10)) {
      m_last_warning = now;
      m_state.log.event("warn", "too many connections (" + std::to_string(m_state.max_connections) +
                                    "): turning new ones away with 503 (see --max-connections)");
    }
  }

  asio::io_context& m_io;
  tcp::acceptor m_acceptor;
  asio::steady_timer m_retry;
  ServerState& m_state;
  int m_reserve = ::open("/dev/null", O_RDONLY | O_CLOEXEC);
  std::chrono::steady_clock::time_point m_last_warning;
};

}  // namespace

std::filesystem::path default_state_dir() {
  if (const char* dir = std::getenv("XDG_STATE_HOME"); dir && *dir) {
    return std::filesystem::path(dir) / "sbfn";
  }
  const char* home = std::getenv("HOME");
  return std::filesystem::path(home && *home ? home : ".") / ".local" / "state" / "sbfn";
}

int serve(const ServeOptions& options, const Embedding* embedding) {
  mallopt(M_ARENA_MAX, k_malloc_arenas);  // process-wide; before the first worker thread
  auto open_files = raise_open_file_limit();
  auto format = options.json_logs ? Logger::Format::json : Logger::Format::text;
  std::optional<Logger> log_storage;
  if (embedding != nullptr && embedding->log) {
    log_storage.emplace(format, embedding->log);
  } else {
    log_storage.emplace(format);
  }
  Logger& log = *log_storage;
  auto warn = [&log](const std::string& message) { log.event("warn", message); };
  auto bundled = load_bundled_functions(
      options.bundles, [&log](const std::string& message) { log.event("error", message); });
  std::unique_ptr<Metrics> metrics;
  if (options.metrics || options.admin_token_file) {
    metrics = std::make_unique<Metrics>();
  }
  std::function<std::string()> metrics_page;
  // Set up before the functions are chosen: deployed functions are among them.
  std::unique_ptr<admin::AdminApi> admin;
  std::function<CatalogChange(std::map<std::string, std::shared_ptr<runtime::Worker>>)> rescan;
  std::function<void()> retire_all;
  if (options.admin_token_file) {
    auto token = read_admin_token(options);
    auto state_dir = options.state_dir.empty() ? default_state_dir() : options.state_dir;
    admin::AdminHooks admin_hooks;
    admin_hooks.publish = [&](std::map<std::string, std::shared_ptr<runtime::Worker>> warm) {
      rescan(std::move(warm));
    };
    admin_hooks.secrets_changed = [&] { retire_all(); };
    admin_hooks.metrics_page = [&] { return metrics_page(); };
    admin = std::make_unique<admin::AdminApi>(
        std::move(token), std::filesystem::absolute(state_dir), log, std::move(admin_hooks));
  }
  // Deployed functions take the place of artifacts and folders of the same name.
  auto served_artifacts = [&] {
    if (!admin) {
      return bundled;
    }
    auto specs = admin->deployed();
    for (const auto& spec : bundled) {
      if (std::none_of(specs.begin(), specs.end(), [&](const FunctionSpec& deployed) {
            return deployed.config.slug == spec.config.slug;
          })) {
        specs.push_back(spec);
      }
    }
    return specs;
  };
  auto specs = select_functions(options, served_artifacts(), true);
  project::EnvSources env_sources = options.env;
  env_sources.functions_dir = options.functions_dir;
  const auto jwt_secret = options.jwt_secret.empty() ? default_jwt_secret() : options.jwt_secret;
  env_sources.jwks = options.jwks_json.value_or(secret_jwks(jwt_secret));
  auto shared_env =
      project::shared_environment(env_sources, warn);  // fails early on a bad env file
  std::mutex env_mutex;

  std::unique_ptr<JwtVerifier> jwt;
  if (options.verify_jwt) {
    jwt = std::make_unique<JwtVerifier>(jwt_secret, options.jwks_json);
  }

  // Made here, before any worker, the admin API or the watcher's own thread could read
  // the pointer, and never reset: those threads read it without a lock (the thread starts
  // below, once everything its callback uses exists; it stops at the end).
  std::unique_ptr<FileWatcher> watcher;
  if (options.watch && !options.main_service) {
    watcher = std::make_unique<FileWatcher>();
  }
  FunctionHooks hooks;
  hooks.make_log = [&log](const std::string& slug) -> runtime::LogFn {
    return [&log, slug](int fd, std::string_view line) { log.function_output(slug, fd, line); };
  };
  // Env files are read again for every new worker, so that a hot reload picks up an
  // edited .env; a broken edit keeps the last good environment.
  hooks.make_env = [&](const FunctionSpec& spec) {
    std::lock_guard lock(env_mutex);
    try {
      shared_env = project::shared_environment(env_sources, [](const std::string&) {});
      auto env = project::function_environment(shared_env, env_sources, spec.folder,
                                               [](const std::string&) {});
      if (admin) {  // secrets set through the admin API win over the env files
        for (auto& [name, value] : admin->secrets()) {
          std::erase_if(env, [&](const auto& entry) { return entry.first == name; });
          env.emplace_back(name, value);
        }
      }
      return env;
    } catch (const std::exception& error) {
      log.event("error", std::string(error.what()) + " (keeping the previous environment)");
      return shared_env;
    }
  };
  auto functions_root = std::filesystem::absolute(options.functions_dir).lexically_normal();
  hooks.on_dependency = [&](const std::string&, const std::filesystem::path& path) {
    if (watcher && !util::is_under(functions_root, path)) {
      watcher->watch_folder(path.parent_path());
    }
  };
  if (metrics) {
    hooks.on_booted = [&metrics](const std::string& slug, bool ok, double ms) {
      metrics->boot(slug, ok, ms);
    };
    hooks.on_limit = [&metrics](const std::string& slug, std::string_view kind) {
      metrics->limit(slug, kind);
    };
  }
  // Open before any worker boots, so that every worker is a target from its start.
  std::optional<runtime::inspector::InspectorServer> inspector;
  WorkerSettings settings;
  if (options.inspect) {
    auto targets = std::make_shared<runtime::inspector::Targets>();
    inspector.emplace(options.inspect->address, targets);
    settings.inspect = runtime::inspector::InspectOptions{targets, options.inspect->mode};
    settings.inspect_main = options.inspect_main;
    log.event("info", "Inspector listening on http://" + inspector->endpoint() +
                          " (chrome://inspect, or GET /json/list for the workers)");
    if (options.inspect->address.host != "127.0.0.1" && options.inspect->address.host != "::1" &&
        options.inspect->address.host != "localhost") {
      log.event("warn", "the inspector listens on " + options.inspect->address.host +
                            ": anyone who reaches that address can run code in your functions");
    }
  }
  settings.oneshot = options.policy == ServeOptions::Policy::oneshot;
  settings.limits = options.limits;
  settings.oneshot_max_workers = options.oneshot_max_workers;
  settings.max_parallelism = std::max<std::size_t>(options.max_parallelism, 1);
  settings.request_wait_ms = options.request_wait_timeout_ms;
  settings.project =
      bundler::project_layout(options.functions_dir, options.config_toml, options.import_map);
  settings.resolve = options.resolve;
  if (options.main_service) {
    specs.clear();  // the main service routes: the functions folder is its business
  }
  // Booted before listening: a main service that cannot boot stops the server (exit 1).
  std::unique_ptr<MainService> main_service;
  if (options.main_service) {
    main_service = std::make_unique<MainService>(*options.main_service, settings, hooks);
  }
  FunctionTable functions(std::move(specs), settings, std::move(hooks));
  retire_all = [&] {
    for (const auto& spec : functions.specs()) {
      functions.retire(spec.config.slug);
    }
  };
  for (const auto& spec : functions.specs()) {
    // Warn about SUPABASE_ names in the function's own .env once, at start-up.
    project::function_environment(shared_env, env_sources, spec.folder, warn);
    // Parsed, but not used by the runtime yet: say so rather than ignore them silently.
    const auto& slug = spec.config.slug;
    for (const auto& pattern : project::expand_static_files(spec.config.static_files).unmatched) {
      warn("[functions." + slug + "] static_files: \"" + pattern + "\" matches no file");
    }
  }
  if (options.preload) {
    // A function that fails here still gets its 503 BOOT_ERROR (and the same message) at
    // its first request: the others must not wait on it.
    for (const auto& failure : functions.preload()) {
      log.event("error", "preload: " + failure);
    }
  }
  ServerState state(&functions, log, jwt.get(), options.max_body_bytes,
                    options.request_idle_timeout_ms);
  state.api_keys = ApiKeys{
      env_sources.publishable_key.empty() ? project::default_publishable_key()
                                          : env_sources.publishable_key,
      env_sources.secret_key.empty() ? project::default_secret_key() : env_sources.secret_key,
      env_sources.anon_key.empty() ? project::demo_anon_key() : env_sources.anon_key,
      env_sources.service_role_key.empty() ? project::demo_service_role_key()
                                           : env_sources.service_role_key};
  if (main_service) {
    state.direct = [&main_service](runtime::HttpRequest request,
                                   std::shared_ptr<runtime::ResponseSink> sink) {
      main_service->dispatch(std::move(request), std::move(sink));
    };
  }
  state.max_connections =
      options.max_connections > 0 ? options.max_connections : default_max_connections(open_files);
  state.request_read_timeout_ms = options.request_read_timeout_ms;
  state.keep_alive_timeout_ms = options.keep_alive_timeout_ms;
  if (metrics) {
    metrics_page = [&] {
      return metrics->render(
          {functions.live_workers() + (main_service ? main_service->live_workers() : 0),
           state.active_requests.load(), state.connections.load()});
    };
    state.metrics = metrics.get();
    state.metrics_page = metrics_page;
    state.metrics_public = options.metrics;
  }
  if (admin) {
    admin->attach(functions);
    state.admin = [&admin](runtime::HttpRequest request,
                           std::shared_ptr<runtime::ResponseSink> sink) {
      admin->handle(std::move(request), std::move(sink));
    };
    state.admin_body_limit = admin::k_max_artifact_bytes;
  }

  // Function folders added or removed while serving (and config.toml edits): every batch
  // of changes scans again, which costs a directory listing.
  // The watcher's thread and the admin API's both change the served set: one at a time.
  std::mutex catalog_mutex;
  rescan = [&](std::map<std::string, std::shared_ptr<runtime::Worker>> warm) -> CatalogChange {
    std::lock_guard catalog_lock(catalog_mutex);
    std::vector<FunctionSpec> specs;
    try {
      specs = select_functions(options, served_artifacts(), false);
    } catch (const std::exception& error) {
      log.event("error", std::string(error.what()) + " (serving the functions found before)");
      return {};
    }
    auto change = functions.update(std::move(specs), std::move(warm));
    for (const auto& slug : change.added) {
      log.event("info", "New function detected: " + slug + ", serving /functions/v1/" + slug);
      if (auto spec = functions.find(slug); spec && !spec->artifact) {
        if (watcher) {
          watcher->watch_tree(spec->folder);
        }
        try {
          std::lock_guard lock(env_mutex);
          project::function_environment(shared_env, env_sources, spec->folder, warn);
        } catch (const std::exception& error) {
          log.event("error", error.what());
        }
      }
    }
    for (const auto& slug : change.removed) {
      log.event("info", "Function removed: " + slug + " (its URL answers 404 from now on)");
    }
    for (const auto& slug : change.changed) {
      log.event("info", "Function settings changed: " + slug + ", reloading");
    }
    return change;
  };

  if (watcher) {
    watcher->start([&](const std::vector<std::filesystem::path>& paths) {
      bool everything = std::any_of(paths.begin(), paths.end(), [&](const auto& path) {
        return is_shared_env_file(path, options);
      });
      watcher->watch_tree(functions_root);  // it may have been created just now
      auto change = rescan({});
      auto slugs = functions.affected_by(paths);
      std::erase_if(slugs, [&](const std::string& slug) {
        return std::count(change.added.begin(), change.added.end(), slug) ||
               std::count(change.changed.begin(), change.changed.end(), slug);
      });
      if (everything) {
        slugs.clear();
        for (const auto& spec : functions.specs()) {
          slugs.push_back(spec.config.slug);
        }
      }
      for (const auto& slug : slugs) {
        log.event("info",
                  "File change detected: " + paths.front().string() + ", reloading " + slug);
        functions.retire(slug);
      }
    });
    watcher->watch_tree(functions_root);
    std::error_code missing;
    if (!std::filesystem::is_directory(functions_root, missing)) {
      // So that the functions folder is noticed when it is created.
      watcher->watch_folder(functions_root.parent_path());
    }
    for (const auto& spec : functions.specs()) {
      if (!spec.artifact) {
        watcher->watch_tree(spec.folder);  // entrypoints set in config.toml may live elsewhere
      }
    }
    for (const auto& file : options.env.env_files) {
      watcher->watch_folder(std::filesystem::absolute(file).parent_path());
    }
    if (options.config_toml) {
      watcher->watch_folder(std::filesystem::absolute(*options.config_toml).parent_path());
    }
  }

  auto threads = options.io_threads > 0 ? options.io_threads
                                        : std::max(1u, std::thread::hardware_concurrency());
  asio::io_context io(static_cast<int>(threads));
  state.io = &io;
  boost::system::error_code error;
  auto address = asio::ip::make_address(options.host, error);
  if (error) {
    throw util::Error("invalid --host \"" + options.host + "\": " + error.message());
  }
  // With TLS the plain listener is the TLS front's alone, on a loopback port.
  ProxiedPeers proxied;
  std::optional<TlsFront> tls;
  Listener listener(io,
                    options.tls_cert ? tcp::endpoint(asio::ip::address_v4::loopback(), 0)
                                     : tcp::endpoint(address, options.port),
                    state);
  listener.accept();
  if (options.tls_cert) {
    tls.emplace(io, tcp::endpoint(address, options.port),
                tcp::endpoint(asio::ip::address_v4::loopback(), listener.port()), *options.tls_cert,
                *options.tls_key, log, proxied);
    state.proxied = &proxied;
    tls->accept();
  }
  auto port = tls ? tls->port() : listener.port();

  auto base = std::string(tls ? "https://" : "http://") +
              (options.host == "0.0.0.0" ? std::string("127.0.0.1") : options.host) + ":" +
              std::to_string(port);
  // The banner scripts wait for, in both modes.
  log.event("info", "Serving functions on " + base + "/functions/v1/<function-name>");
  if (main_service) {
    log.event("info", "Main service " + options.main_service->string() +
                          " answers every request on " + base + "/ and routes it itself");
  }
  log.event("info",
            std::string("Policy: ") +
                (options.policy == ServeOptions::Policy::oneshot
                     ? "oneshot (a fresh worker for every request, at most " +
                           std::to_string(options.oneshot_max_workers) + " alive)"
                     : "per_worker (a worker serves many requests; up to " +
                           std::to_string(options.max_parallelism) + " per function when busy)"));
  if (admin) {
    log.event("info", "Admin API on " + base + "/_admin/v1/ (state in " +
                          std::filesystem::absolute(options.state_dir.empty() ? default_state_dir()
                                                                              : options.state_dir)
                              .string() +
                          ")");
  }
  if (functions.specs().empty() && !main_service) {
    log.event("warn", "no functions found in " + options.functions_dir.string());
  }
  for (const auto& spec : functions.specs()) {
    log.event("info",
              " - " + base + "/functions/v1/" + spec.config.slug +
                  (spec.config.verify_jwt ? "  (JWT verified)" : "  (no JWT verification)") +
                  (spec.artifact ? "  from " + spec.config.entrypoint.string() : std::string()));
  }

  asio::steady_timer drain_timer(io);
  auto deadline = std::chrono::steady_clock::now();
  std::function<void()> poll_drained = [&] {
    if (state.active_requests == 0 || std::chrono::steady_clock::now() >= deadline) {
      if (state.active_requests != 0) {
        log.event("warn", std::to_string(state.active_requests.load()) +
                              " request(s) still running after " +
                              seconds_text(options.graceful_exit_timeout) + "; stopping anyway");
      }
      io.stop();
      return;
    }
    drain_timer.expires_after(std::chrono::milliseconds(20));
    drain_timer.async_wait([&](boost::system::error_code) { poll_drained(); });
  };
  auto begin_drain = [&] {
    state.draining = true;
    listener.close();
    if (tls) {
      tls->close();
    }
    deadline = std::chrono::steady_clock::now() + options.graceful_exit_timeout;
    poll_drained();
  };
  asio::signal_set signals(io);
  if (embedding == nullptr) {
    signals.add(SIGINT);
    signals.add(SIGTERM);
    signals.async_wait([&](boost::system::error_code, int signal) {
      log.event("info", std::string("Received ") + (signal == SIGINT ? "SIGINT" : "SIGTERM") +
                            ", shutting down (waiting up to " +
                            seconds_text(options.graceful_exit_timeout) + " for open requests)");
      begin_drain();
    });
  } else if (embedding->listening) {
    embedding->listening(port, [&io, begin_drain] { asio::post(io, begin_drain); });
  }
  asio::signal_set hangup(io);
  std::function<void()> on_hangup = [&] {
    hangup.async_wait([&](boost::system::error_code error, int) {
      if (!error) {
        tls->reload();
        on_hangup();
      }
    });
  };
  if (tls && embedding == nullptr) {
    hangup.add(SIGHUP);
    on_hangup();
  }

  std::vector<std::thread> pool;
  for (unsigned i = 1; i < threads; ++i) {
    pool.emplace_back([&] { io.run(); });
  }
  io.run();
  for (auto& thread : pool) {
    thread.join();
  }
  if (watcher) {
    watcher->stop();  // workers and the admin API may still call watch_*: no reset
  }
  admin.reset();  // a deploy still booting finishes first
  if (main_service) {
    main_service->shutdown();
  }
  functions.shutdown();
  log.event("info", "Stopped serving " + options.functions_dir.string());
  return 0;
}

}  // namespace server
