#include "server/main_service.hpp"

#include "server/bundled_functions.hpp"
#include "server/worker_slots.hpp"

#include "bundler/artifact/artifact.hpp"
#include "runtime/runtime.hpp"
#include "util/error.hpp"
#include "util/files.hpp"

#include <nlohmann/json.hpp>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <condition_variable>
#include <map>
#include <mutex>
#include <thread>

extern char** environ;

namespace server {
namespace {

using Json = nlohmann::json;
namespace fs = std::filesystem;

// No limit, as the watchdog counts it (it has no "off" for CPU time): a century.
constexpr std::size_t k_unlimited_ms = std::size_t{100} * 365 * 24 * 3600 * 1000;
// The main worker's heap: V8's own ceiling rather than a function's limit.
constexpr std::size_t k_main_memory_mb = 4096;
// How long create() waits for a user worker's boot (remote imports may download first).
constexpr auto k_boot_limit = std::chrono::seconds(120);

constexpr const char* k_entrypoints[] = {"index.ts", "index.tsx", "index.js", "index.mjs",
                                         "index.jsx"};

std::optional<fs::path> find_entrypoint(const fs::path& folder) {
  for (const char* name : k_entrypoints) {
    std::error_code error;
    if (fs::is_regular_file(folder / name, error)) {
      return folder / name;
    }
  }
  return std::nullopt;
}

std::vector<std::pair<std::string, std::string>> host_environment() {
  std::vector<std::pair<std::string, std::string>> env;
  for (char** entry = environ; entry != nullptr && *entry != nullptr; ++entry) {
    std::string_view text(*entry);
    auto equals = text.find('=');
    if (equals != std::string_view::npos && equals > 0) {
      env.emplace_back(std::string(text.substr(0, equals)), std::string(text.substr(equals + 1)));
    }
  }
  return env;
}

// A response passed on unchanged, counted when it is over.
class CountingSink final : public runtime::ResponseSink {
 public:
  CountingSink(std::shared_ptr<runtime::ResponseSink> inner, std::atomic<std::size_t>& handled)
      : m_inner(std::move(inner)), m_handled(handled) {}
  void start(int status, std::string reason, runtime::HttpHeaders headers, std::string body,
             bool streaming) override {
    if (!streaming) {
      ++m_handled;
    }
    m_inner->start(status, std::move(reason), std::move(headers), std::move(body), streaming);
  }
  bool write(std::string chunk) override { return m_inner->write(std::move(chunk)); }
  bool saturated() const override { return m_inner->saturated(); }
  void when_drained(std::function<void(bool open)> ready) override {
    m_inner->when_drained(std::move(ready));
  }
  void end() override {
    ++m_handled;
    m_inner->end();
  }
  void fail(runtime::Failure failure) override {
    ++m_handled;
    m_inner->fail(failure);
  }
  std::shared_ptr<runtime::WebSocketConnection> upgrade(
      std::string protocol, std::shared_ptr<runtime::WebSocketPeer> peer) override {
    ++m_handled;
    return m_inner->upgrade(std::move(protocol), std::move(peer));
  }

 private:
  std::shared_ptr<runtime::ResponseSink> m_inner;
  std::atomic<std::size_t>& m_handled;
};

std::size_t number_option(const Json& options, const char* name, std::size_t fallback) {
  auto it = options.find(name);
  if (it == options.end() || !it->is_number() || it->get<double>() < 0) {
    return fallback;
  }
  return static_cast<std::size_t>(it->get<double>());
}

std::string string_option(const Json& options, const char* name) {
  auto it = options.find(name);
  return it != options.end() && it->is_string() ? it->get<std::string>() : std::string();
}

bool bool_option(const Json& options, const char* name) {
  auto it = options.find(name);
  return it != options.end() && it->is_boolean() && it->get<bool>();
}

// edge-runtime's defaults (its ext/workers/lib.rs): 256 MB, 400 s wall clock, 1 s / 2 s CPU;
// a wall clock of 0 and CPU limits both 0 switch them off.
runtime::WorkerLimits limits_from(const Json& options) {
  runtime::WorkerLimits limits;
  limits.memory_limit_mb = std::max<std::size_t>(number_option(options, "memoryLimitMb", 256), 1);
  limits.wall_clock_limit_ms = number_option(options, "workerTimeoutMs", 400'000);
  limits.cpu_soft_limit_ms = number_option(options, "cpuTimeSoftLimitMs", 1000);
  limits.cpu_hard_limit_ms = number_option(options, "cpuTimeHardLimitMs", 2000);
  if (limits.cpu_soft_limit_ms == 0 && limits.cpu_hard_limit_ms == 0) {
    limits.cpu_soft_limit_ms = limits.cpu_hard_limit_ms = k_unlimited_ms;
  } else if (limits.cpu_soft_limit_ms == 0) {
    limits.cpu_soft_limit_ms = limits.cpu_hard_limit_ms;
  }
  limits.cpu_hard_limit_ms = std::max(limits.cpu_hard_limit_ms, limits.cpu_soft_limit_ms);
  return limits;
}

}  // namespace

// The user workers of one main service: its EdgeRuntime.userWorkers, seen from the server.
class MainService::Pool final : public runtime::UserWorkerHost {
 public:
  Pool(WorkerSettings settings, FunctionHooks hooks)
      : m_oneshot(settings.oneshot),
        m_max_parallelism(std::max<std::size_t>(settings.max_parallelism, 1)),
        m_oneshot_background(settings.oneshot_background_ms),
        m_oneshot_slots(settings.oneshot_max_workers,
                        std::chrono::milliseconds(settings.request_wait_ms)),
        m_table({}, with_pooling(std::move(settings)), short_names(std::move(hooks))) {}
  ~Pool() override { shutdown(); }

  void create(const std::string& options_json, std::string artifact,
              std::function<void(Created)> done) override {
    Json options;
    try {
      options = Json::parse(options_json);
    } catch (const std::exception& error) {
      done({{}, "TypeError", std::string("invalid options: ") + error.what()});
      return;
    }
    auto service = string_option(options, "servicePath");
    std::string pool_key;
    if (!service.empty()) {
      pool_key = fs::absolute(service).lexically_normal().string();
    } else {
      // An artifact without a path: pooled by its bytes, so other bytes get their worker.
      pool_key = "maybeEszip:" + std::to_string(std::hash<std::string>{}(artifact));
    }
    bool force = bool_option(options, "forceCreate") || m_oneshot;
    if (!force) {
      if (auto key = live_key(pool_key)) {
        done({*key, {}, {}});
        return;
      }
    }
    auto launch = [this, options = std::move(options), artifact = std::move(artifact),
                   pool_key = std::move(pool_key), force, done](bool slotted) mutable {
      launch_boot(std::move(options), std::move(artifact), std::move(pool_key), force, slotted,
                  std::move(done));
    };
    if (!m_oneshot) {
      launch(false);
      return;
    }
    // Under oneshot every create() is a fresh isolate: at most --oneshot-max-workers live
    // at once, as for plain functions; a create() that finds none free waits up to
    // --request-wait-timeout, then fails as edge-runtime's pool does.
    auto shared = std::make_shared<decltype(launch)>(std::move(launch));
    m_oneshot_slots.acquire([shared] { (*shared)(true); },
                            [done] {
                              done({{}, "InvalidWorkerCreation", "worker did not respond in time"});
                            });
  }

  Dispatched dispatch(const std::string& key, runtime::HttpRequest request,
                      std::shared_ptr<runtime::ResponseSink> sink) override {
    std::shared_ptr<runtime::Worker> worker;
    bool oneshot = false;
    {
      std::lock_guard lock(m_mutex);
      auto it = m_workers.find(key);
      if (it == m_workers.end()) {
        return Dispatched::unknown;
      }
      if (!it->second.worker->accepting()) {
        release_locked(it);
        return Dispatched::retired;
      }
      worker = it->second.worker;
      it->second.last_used = std::chrono::steady_clock::now();
      oneshot = it->second.oneshot;
      if (oneshot) {
        m_workers.erase(it);
      }
    }
    worker->dispatch(std::move(request), std::make_shared<CountingSink>(std::move(sink), m_served));
    if (oneshot) {  // one request, then it ends once that and its waitUntil work are done
      worker->retire();
      release(std::move(worker), true);
    }
    return Dispatched::ok;
  }

  std::string metrics_json() override {
    std::size_t active = 0;
    {
      std::lock_guard lock(m_mutex);
      for (const auto& [key, entry] : m_workers) {
        active += entry.worker->accepting() ? 1 : 0;
      }
    }
    return Json{{"activeUserWorkersCount", active},
                // retired, still finishing their requests (the table serves none itself)
                {"retiredUserWorkersCount", m_table.live_workers()},
                {"receivedRequestsCount", received.load()},
                {"handledRequestsCount", handled.load()}}
        .dump();
  }

  std::size_t cleanup_idle(std::chrono::milliseconds idle) override {
    std::size_t dropped = 0;
    auto now = std::chrono::steady_clock::now();
    std::lock_guard lock(m_mutex);
    for (auto it = m_workers.begin(); it != m_workers.end();) {
      auto next = std::next(it);
      const auto& worker = *it->second.worker;
      if (worker.busy() == 0 && now - it->second.last_used >= idle) {
        release_locked(it);
        ++dropped;
      }
      it = next;
    }
    return dropped;
  }

  void shutdown() {
    m_oneshot_slots.close();  // creates still waiting for a slot are refused
    {
      std::unique_lock lock(m_threads_mutex);
      m_closed = true;
      m_threads_done.wait(lock, [&] { return m_threads == 0; });
    }
    {
      std::lock_guard lock(m_mutex);
      for (auto& [key, entry] : m_workers) {
        entry.worker->terminate(runtime::Failure::worker_error);
        release(std::move(entry.worker), entry.oneshot);
      }
      m_workers.clear();
      m_current.clear();
    }
    m_table.shutdown();
    std::error_code ignored;
    if (!m_temp.empty()) {
      fs::remove_all(m_temp, ignored);
    }
  }

  std::size_t live() const { return m_table.live_workers() + workers_count(); }

  // The main worker's own requests, for getRuntimeMetrics.
  std::atomic<std::size_t> received{0};
  std::atomic<std::size_t> handled{0};

 private:
  struct Entry {
    std::shared_ptr<runtime::Worker> worker;
    std::string pool_key;
    bool oneshot = false;
    std::chrono::steady_clock::time_point last_used = std::chrono::steady_clock::now();
  };

  static WorkerSettings with_pooling(WorkerSettings settings) {
    settings.oneshot = false;  // the pool below applies the policy
    return settings;
  }
  // Workers are named by their servicePath; their logs by its last folder.
  static FunctionHooks short_names(FunctionHooks hooks) {
    auto make_log = hooks.make_log;
    hooks.make_log = [make_log](const std::string& slug) {
      auto name = fs::path(slug).filename().string();
      return make_log(name.empty() ? slug : name);
    };
    hooks.on_dependency = nullptr;  // user workers are not watched for hot reload
    return hooks;
  }

  std::size_t workers_count() const {
    std::lock_guard lock(m_mutex);
    return m_workers.size();
  }

  // The least busy live worker pooled for `pool_key`, or none when there is none or when
  // every one is busy enough to share and there may be more (--max-parallelism).
  std::optional<std::string> live_key(const std::string& pool_key) {
    std::lock_guard lock(m_mutex);
    auto& keys = m_current[pool_key];
    std::vector<std::string> ended;  // released below: release_locked edits `keys`
    for (const auto& key : keys) {
      auto it = m_workers.find(key);
      if (it == m_workers.end() || !it->second.worker->accepting() ||
          it->second.worker->state() == runtime::WorkerState::failed) {
        ended.push_back(key);
      }
    }
    for (const auto& key : ended) {
      if (auto it = m_workers.find(key); it != m_workers.end()) {
        release_locked(it);
      } else {
        std::erase(keys, key);
      }
    }
    auto least = least_busy(
        keys.begin(),
        keys.end(), [&](const std::string& key) -> auto& { return *m_workers.at(key).worker; },
        m_max_parallelism);
    return least == keys.end() ? std::nullopt : std::optional<std::string>(*least);
  }

  std::shared_ptr<std::mutex> booting_gate(const std::string& pool_key) {
    std::lock_guard lock(m_mutex);
    auto& gate = m_booting[pool_key];
    if (!gate) {
      gate = std::make_shared<std::mutex>();
    }
    return gate;
  }

  // With m_mutex held.
  void release_locked(std::map<std::string, Entry>::iterator it) {
    auto worker = std::move(it->second.worker);
    if (auto current = m_current.find(it->second.pool_key); current != m_current.end()) {
      std::erase(current->second, it->first);
    }
    bool slotted = it->second.oneshot;
    m_workers.erase(it);
    worker->retire();
    release(std::move(worker), slotted);
  }

  // A retired worker finishes what it has, then the reaper ends it; a oneshot one gives
  // its slot back once it has ended, and its waitUntil work has the oneshot limit.
  void release(std::shared_ptr<runtime::Worker> worker, bool slotted) {
    Retirement how;
    if (slotted) {
      how.background_limit = std::chrono::milliseconds(m_oneshot_background);
      how.on_gone = [this] { m_oneshot_slots.release(); };
    }
    m_table.release(std::move(worker), std::move(how));
  }

  // Boots on a thread of its own: booting may download modules, never on the main
  // service's thread. `slotted`: it holds a oneshot slot, given back if the boot fails.
  void launch_boot(Json options, std::string artifact, std::string pool_key, bool force,
                   bool slotted, std::function<void(Created)> done) {
    {
      std::lock_guard lock(m_threads_mutex);
      if (m_closed) {
        if (slotted) {
          m_oneshot_slots.release();
        }
        done({{}, "InvalidWorkerCreation", "worker did not respond in time"});
        return;
      }
      ++m_threads;
    }
    std::thread([this, options = std::move(options), artifact = std::move(artifact),
                 pool_key = std::move(pool_key), force, slotted, done = std::move(done)] {
      auto gate = booting_gate(pool_key);
      {
        std::lock_guard one_boot(*gate);  // concurrent creates for one path share a boot
        std::optional<std::string> reused;
        if (!force) {
          reused = live_key(pool_key);
        }
        auto created = reused ? Created{*reused, {}, {}} : boot(options, artifact, pool_key, force);
        if (slotted && created.key.empty()) {
          m_oneshot_slots.release();
        }
        done(std::move(created));
      }
      std::lock_guard lock(m_threads_mutex);
      if (--m_threads == 0) {
        m_threads_done.notify_all();
      }
    }).detach();
  }

  Created boot_failure(const std::string& reason) {
    return {
        {}, "InvalidWorkerCreation", "worker boot error: failed to bootstrap runtime: " + reason};
  }

  // Finds the code `options` names, boots a worker for it and waits for its module.
  Created boot(const Json& options, const std::string& artifact, const std::string& pool_key,
               bool force) {
    FunctionSpec spec;
    spec.config.slug = pool_key;
    spec.config.verify_jwt = false;
    try {
      if (!artifact.empty()) {
        auto parsed = std::make_shared<const bundler::Artifact>(
            bundler::read_artifact(artifact, "maybeEszip"));
        spec.artifact = std::make_shared<bundler::ArtifactModules>(parsed);
        spec.config.entrypoint = "maybeEszip";
        spec.folder = spec.artifact->folder();
      } else if (auto code = string_option(options, "maybeModuleCode"); !code.empty()) {
        // edge-runtime runs inline code as file:///src/index.ts: here, a folder of its own.
        auto folder = inline_folder();
        util::write_file_atomic(folder / "index.ts", code);
        spec.folder = folder;
        spec.config.entrypoint = folder / "index.ts";
      } else {
        spec.folder = fs::path(pool_key);
        std::optional<fs::path> entry;
        if (auto url = string_option(options, "maybeEntrypoint"); url.starts_with("file://")) {
          entry = fs::path(runtime::file_url_to_path(url));
        } else {
          entry = find_entrypoint(spec.folder);
        }
        if (!entry) {
          return boot_failure("could not find an appropriate entrypoint in " + pool_key);
        }
        spec.config.entrypoint = *entry;
      }
    } catch (const std::exception& error) {
      return boot_failure(error.what());
    }
    // context.importMapPath (edge-runtime 1.74); the top-level one older versions took.
    std::string import_map;
    if (auto context = options.find("context"); context != options.end() && context->is_object()) {
      import_map = string_option(*context, "importMapPath");
    }
    if (import_map.empty()) {
      import_map = string_option(options, "importMapPath");
    }
    if (!import_map.empty()) {
      if (import_map.starts_with("data:")) {
        return boot_failure("an import map given as a data: URL is not supported; pass a file");
      }
      spec.config.import_map = fs::absolute(import_map.starts_with("file://")
                                                ? fs::path(runtime::file_url_to_path(import_map))
                                                : fs::path(import_map))
                                   .lexically_normal();
    }
    if (auto patterns = options.find("staticPatterns");
        patterns != options.end() && patterns->is_array()) {
      for (const auto& pattern : *patterns) {
        if (pattern.is_string()) {
          auto text = pattern.get<std::string>();
          spec.config.static_files.push_back(
              fs::path(text).is_absolute() ? text : (fs::current_path() / text).string());
        }
      }
    }
    spec.limits = limits_from(options);
    std::vector<std::pair<std::string, std::string>> env;
    if (auto vars = options.find("envVars"); vars != options.end() && vars->is_array()) {
      for (const auto& pair : *vars) {
        if (pair.is_array() && pair.size() == 2 && pair[0].is_string() && pair[1].is_string()) {
          env.emplace_back(pair[0].get<std::string>(), pair[1].get<std::string>());
        }
      }
    }
    spec.env = std::move(env);
    if (auto permissions = options.find("permissions");
        permissions != options.end() && !permissions->is_null()) {
      try {
        spec.permissions = std::make_shared<const runtime::Permissions>(
            runtime::Permissions::parse(permissions->dump()));
      } catch (const std::invalid_argument& error) {
        return {{}, "TypeError", error.what()};
      }
    }
    if (bool_option(options, "noModuleCache")) {
      m_table.retire(pool_key);  // the graph kept for the path goes too
      spec.reload_modules = true;
    }
    auto booted = m_table.boot_checked(spec, k_boot_limit);
    if (!booted.worker) {
      auto error = booted.error;
      while (!error.empty() && (error.back() == '\n' || error.back() == ' ')) {
        error.pop_back();
      }
      return boot_failure(error);
    }
    std::lock_guard lock(m_mutex);
    auto key = std::to_string(m_next_key++);
    m_workers[key] = Entry{booted.worker, pool_key, m_oneshot};
    if (!force) {
      m_current[pool_key].push_back(key);
    }
    return {key, {}, {}};
  }

  fs::path inline_folder() {
    std::lock_guard lock(m_mutex);
    if (m_temp.empty()) {
      auto base = fs::temp_directory_path() / ("sbfn-main-service-" + std::to_string(::getpid()));
      fs::create_directories(base);
      m_temp = base;
    }
    auto folder = m_temp / std::to_string(m_next_inline++);
    fs::create_directories(folder);
    return folder;
  }

  const bool m_oneshot;
  const std::size_t m_max_parallelism;
  const std::size_t m_oneshot_background;
  WorkerSlots m_oneshot_slots;  // before m_table: its reaper gives slots back as workers end
  FunctionTable m_table;
  mutable std::mutex m_mutex;
  std::map<std::string, Entry> m_workers;  // by key
  // pool key -> keys of its pooled workers (forceCreate's are not pooled)
  std::map<std::string, std::vector<std::string>> m_current;
  std::map<std::string, std::shared_ptr<std::mutex>> m_booting;  // pool key -> one boot at once
  std::uint64_t m_next_key = 1;
  std::uint64_t m_next_inline = 1;
  fs::path m_temp;  // inline code (maybeModuleCode), removed at the end
  std::atomic<std::size_t> m_served{0};
  std::mutex m_threads_mutex;
  std::condition_variable m_threads_done;
  std::size_t m_threads = 0;
  bool m_closed = false;
};

MainService::MainService(const fs::path& path, WorkerSettings settings, FunctionHooks hooks) {
  m_pool = std::make_shared<Pool>(settings, hooks);
  FunctionSpec spec;
  std::error_code error;
  auto absolute = fs::absolute(path).lexically_normal();
  if (fs::is_regular_file(absolute, error) && absolute.extension() == ".sbfn") {
    spec = artifact_function(absolute);
  } else if (fs::is_directory(absolute, error)) {
    auto entry = find_entrypoint(absolute);
    if (!entry) {
      throw util::Error("--main-service " + path.string() +
                        ": no index.ts, index.tsx, index.js, index.mjs or index.jsx in it");
    }
    spec.folder = absolute;
    spec.config.entrypoint = *entry;
  } else {
    throw util::Error("--main-service " + path.string() + ": not a folder or a .sbfn artifact");
  }
  spec.config.slug = "main";
  spec.config.verify_jwt = false;
  // edge-runtime's main worker: no resource limits, the host's environment.
  runtime::WorkerLimits unlimited;
  unlimited.memory_limit_mb = k_main_memory_mb;
  unlimited.cpu_soft_limit_ms = unlimited.cpu_hard_limit_ms = k_unlimited_ms;
  unlimited.wall_clock_limit_ms = 0;
  spec.limits = unlimited;
  // The host's environment; under it, for names the host does not set, what `serve` gives
  // every function (SUPABASE_URL, the keys, SUPABASE_JWKS, env files), so that a main
  // service passing its env on to user workers works on a fresh project.
  auto env = host_environment();
  if (hooks.make_env) {
    for (auto& [name, value] : hooks.make_env(spec)) {
      if (std::none_of(env.begin(), env.end(),
                       [&](const auto& entry) { return entry.first == name; })) {
        env.emplace_back(name, value);
      }
    }
  }
  spec.env = std::move(env);
  spec.user_workers = m_pool;
  settings.oneshot = false;
  if (!settings.inspect_main) {
    settings.inspect.reset();  // --inspect is for the user workers, as edge-runtime has it
  }
  m_main = std::make_unique<FunctionTable>(std::vector<FunctionSpec>{}, std::move(settings),
                                           std::move(hooks));
  auto booted = m_main->boot_checked(spec, k_boot_limit);
  if (!booted.worker) {
    auto message = booted.error;
    m_pool->shutdown();
    m_main->shutdown();
    throw util::Error("the main service failed to boot:\n" + message);
  }
  m_main->update({spec}, {{"main", std::move(booted.worker)}});
}

MainService::~MainService() {
  shutdown();
}

void MainService::dispatch(runtime::HttpRequest request,
                           std::shared_ptr<runtime::ResponseSink> sink) {
  ++m_pool->received;
  m_main->dispatch("main", std::move(request),
                   std::make_shared<CountingSink>(std::move(sink), m_pool->handled));
}

std::size_t MainService::live_workers() const {
  return m_main->live_workers() + m_pool->live();
}

void MainService::shutdown() {
  if (m_pool) {
    m_pool->shutdown();
  }
  if (m_main) {
    m_main->shutdown();
  }
}

}  // namespace server
