#include "server/functions.hpp"

#include "project/static_files.hpp"

#include "runtime/runtime.hpp"
#include "util/files.hpp"

#include <malloc.h>

#include <algorithm>
#include <atomic>
#include <future>
#include <iterator>
#include <mutex>
#include <thread>

namespace server {
namespace {

// How long a retired worker may keep answering the requests it already has.
constexpr auto k_retired_drain_limit = std::chrono::seconds(150);

// How long the reaper waits, once the last retired worker is gone and nothing else is
// retired, before it hands glibc's free pages back (`malloc_trim`): what isolates and
// connections freed stays in glibc's arenas otherwise, and after a load the server stayed
// ~20 MiB above its baseline for good (bench/load/run.sh). The wait keeps oneshot's worker
// per request from paying for a walk of every arena each time.
constexpr auto k_trim_after_idle = std::chrono::seconds(1);

}  // namespace

std::size_t worker_load(const runtime::Worker& worker) {
  return std::max(worker.busy_connections(), worker.open_requests());
}

WorkerReaper::WorkerReaper()
    : m_thread([this] {
        // Retired workers drain side by side: each ends when its requests and waitUntil
        // work are done (or a limit passes), whatever the others are doing.
        struct Draining {
          std::shared_ptr<runtime::Worker> worker;
          Retirement how;
          std::chrono::steady_clock::time_point deadline;
          std::optional<std::chrono::steady_clock::time_point> background_deadline;
        };
        std::vector<Draining> draining;
        std::unique_lock lock(m_mutex);
        for (;;) {
          auto work = [&] { return m_stopping || !m_queue.empty(); };
          if (draining.empty() && m_trim_owed && m_joining == 0) {
            if (!m_wake.wait_for(lock, k_trim_after_idle, work)) {
              m_trim_owed = false;
              lock.unlock();
              malloc_trim(0);
              lock.lock();
              continue;
            }
          } else if (draining.empty()) {
            m_wake.wait(lock, [&] { return work() || (m_trim_owed && m_joining == 0); });
          } else {
            m_wake.wait_for(lock, std::chrono::milliseconds(5));
          }
          for (auto& [worker, how] : m_queue) {
            draining.push_back({std::move(worker), std::move(how),
                                std::chrono::steady_clock::now() + k_retired_drain_limit,
                                std::nullopt});
          }
          m_queue.clear();
          m_draining = draining.size();
          bool stopping = m_stopping || m_hurry;
          lock.unlock();
          auto now = std::chrono::steady_clock::now();
          std::erase_if(draining, [&](Draining& entry) {
            auto& worker = entry.worker;
            auto state = worker->state();
            bool live =
                state == runtime::WorkerState::booting || state == runtime::WorkerState::ready;
            bool background_over = false;
            if (live && entry.how.background_limit && worker->open_requests() == 0) {
              if (!entry.background_deadline) {
                entry.background_deadline = now + *entry.how.background_limit;
              }
              background_over = now >= *entry.background_deadline;
            }
            if (live && worker->busy() > 0 && now < entry.deadline && !stopping &&
                !background_over) {
              return false;
            }
            if (background_over && worker->busy() > 0 && entry.how.on_background_limit) {
              entry.how.on_background_limit();
            }
            worker->terminate(runtime::Failure::worker_error);
            // Its destructor joins the thread, which may first give hosted connections
            // time to finish: never on this thread, where other workers wait their turn.
            {
              std::lock_guard count(m_mutex);
              ++m_joining;
            }
            std::thread([this, worker = std::move(worker),
                         on_gone = std::move(entry.how.on_gone)]() mutable {
              worker.reset();
              if (on_gone) {
                on_gone();
              }
              std::lock_guard count(m_mutex);
              --m_joining;
              m_trim_owed = true;
              m_emptied.notify_all();
              m_wake.notify_all();
            }).detach();
            return true;
          });
          lock.lock();
          m_draining = draining.size();
          if (draining.empty() && m_queue.empty()) {
            m_emptied.notify_all();
          }
          if (m_stopping && draining.empty() && m_queue.empty()) {
            return;
          }
        }
      }) {}

WorkerReaper::~WorkerReaper() {
  {
    std::lock_guard lock(m_mutex);
    m_stopping = true;
  }
  m_wake.notify_all();
  m_thread.join();
  std::unique_lock lock(m_mutex);
  m_emptied.wait(lock, [&] { return m_joining == 0; });
}

void WorkerReaper::retire(std::shared_ptr<runtime::Worker> worker, Retirement how) {
  if (!worker) {
    if (how.on_gone) {
      how.on_gone();
    }
    return;
  }
  {
    std::lock_guard lock(m_mutex);
    m_queue.emplace_back(std::move(worker), std::move(how));
  }
  m_wake.notify_one();
}

FunctionTable::FunctionTable(std::vector<FunctionSpec> specs, WorkerSettings settings,
                             FunctionHooks hooks)
    : m_settings(std::move(settings)),
      m_hooks(std::move(hooks)),
      m_oneshot_slots(m_settings.oneshot_max_workers,
                      std::chrono::milliseconds(m_settings.request_wait_ms)) {
  if (!specs.empty()) {
    m_spare = std::make_shared<runtime::Worker>(runtime::Worker::Spare{},
                                                m_settings.limits.memory_limit_mb);
  }
  for (auto& spec : specs) {
    auto slot = std::make_unique<Slot>();
    auto slug = spec.config.slug;
    slot->spec = std::make_shared<const FunctionSpec>(std::move(spec));
    m_slots.emplace(std::move(slug), std::move(slot));
  }
}

FunctionTable::Slot* FunctionTable::live_slot(std::string_view slug) const {
  auto it = m_slots.find(slug);
  return it == m_slots.end() || !it->second->spec ? nullptr : it->second.get();
}

std::shared_ptr<const FunctionSpec> FunctionTable::find(std::string_view slug) const {
  std::shared_lock lock(m_catalog_mutex);
  auto* slot = live_slot(slug);
  return slot ? slot->spec : nullptr;
}

std::vector<FunctionSpec> FunctionTable::specs() const {
  std::vector<FunctionSpec> out;
  std::shared_lock lock(m_catalog_mutex);
  for (const auto& [slug, slot] : m_slots) {
    if (slot->spec) {
      out.push_back(*slot->spec);
    }
  }
  return out;
}

namespace {

bool same_function(const FunctionSpec& a, const FunctionSpec& b) {
  return a.folder == b.folder && a.artifact == b.artifact &&
         a.config.entrypoint == b.config.entrypoint && a.config.verify_jwt == b.config.verify_jwt &&
         a.config.import_map == b.config.import_map &&
         a.config.static_files == b.config.static_files;
}

}  // namespace

CatalogChange FunctionTable::update(std::vector<FunctionSpec> specs,
                                    std::map<std::string, std::shared_ptr<runtime::Worker>> warm) {
  CatalogChange change;
  std::vector<std::shared_ptr<runtime::Worker>> retired;
  {
    std::unique_lock lock(m_catalog_mutex);
    std::set<std::string, std::less<>> wanted;
    for (auto& spec : specs) {
      auto slug = spec.config.slug;
      wanted.insert(slug);
      auto& slot = m_slots[slug];
      if (!slot) {
        slot = std::make_unique<Slot>();
      }
      if (slot->spec && same_function(*slot->spec, spec)) {
        continue;
      }
      (slot->spec ? change.changed : change.added).push_back(slug);
      slot->spec = std::make_shared<const FunctionSpec>(std::move(spec));
      std::lock_guard worker_lock(slot->mutex);
      std::move(slot->workers.begin(), slot->workers.end(), std::back_inserter(retired));
      slot->workers.clear();
      if (auto it = warm.find(slug); it != warm.end() && !m_settings.oneshot) {
        slot->workers.push_back(std::move(it->second));
        warm.erase(it);
      }
    }
    for (auto& [slug, slot] : m_slots) {
      if (slot->spec && !wanted.count(slug)) {
        change.removed.push_back(slug);
        slot->spec.reset();
        std::lock_guard worker_lock(slot->mutex);
        std::move(slot->workers.begin(), slot->workers.end(), std::back_inserter(retired));
        slot->workers.clear();
      }
    }
  }
  {
    std::lock_guard lock(m_dependencies_mutex);
    for (const auto& slug : change.removed) {
      m_dependencies.erase(slug);
    }
  }
  for (const auto* list : {&change.removed, &change.changed}) {
    for (const auto& slug : *list) {
      forget_modules(slug);
    }
  }
  for (auto& worker : retired) {
    m_reaper.retire(std::move(worker));
  }
  for (auto& [slug, worker] : warm) {  // not needed after all
    m_reaper.retire(std::move(worker));
  }
  return change;
}

FunctionTable::Booted FunctionTable::boot_checked(const FunctionSpec& spec,
                                                  std::chrono::milliseconds limit) {
  struct Capture {
    std::mutex mutex;
    std::string errors;
    bool open = true;
  };
  auto capture = std::make_shared<Capture>();
  auto worker = boot(spec, [capture](int fd, std::string_view line) {
    std::lock_guard lock(capture->mutex);
    if (fd == 2 && capture->open && capture->errors.size() < 16 * 1024) {
      capture->errors.append(line).append(line.ends_with('\n') ? "" : "\n");
    }
  });
  auto booted = worker->eval("0");
  bool ready = booted.wait_for(limit) == std::future_status::ready &&
               worker->state() == runtime::WorkerState::ready;
  std::string error;
  {
    std::lock_guard lock(capture->mutex);
    capture->open = false;
    error = std::move(capture->errors);
  }
  if (ready) {
    return {std::move(worker), {}};
  }
  if (worker->state() == runtime::WorkerState::booting) {
    error +=
        "the function did not finish booting within " + std::to_string(limit.count()) + " ms\n";
  }
  if (error.empty()) {
    error = "the function failed to boot\n";
  }
  worker->terminate(runtime::Failure::boot_error);
  m_reaper.retire(std::move(worker));
  return {nullptr, std::move(error)};
}

std::shared_ptr<runtime::Worker> FunctionTable::boot(const FunctionSpec& spec, runtime::LogFn tee) {
  runtime::WorkerOptions options;
  options.name = spec.config.slug;
  options.root = spec.folder;
  if (spec.artifact) {
    const auto& meta = spec.artifact->artifact().metadata;
    options.main_module = meta.entrypoint;
    options.resolver = spec.artifact;
    options.sources = spec.artifact;
    options.extra_files.assign(meta.static_files.begin(), meta.static_files.end());
  } else {
    auto entry = std::filesystem::absolute(spec.config.entrypoint).lexically_normal();
    options.main_module = runtime::path_to_file_url(entry.string());
    auto modules = modules_for(spec);
    options.resolver = modules;
    options.sources = modules;
    options.extra_files = modules->function().static_files;
  }
  options.env = spec.env ? *spec.env : m_hooks.make_env(spec);
  options.limits = spec.limits.value_or(m_settings.limits);
  options.user_workers = spec.user_workers;
  options.host_files = spec.user_workers != nullptr;  // a main service: every permission
  options.permissions = spec.permissions;
  options.inspect = m_settings.inspect;
  if (options.inspect && tee) {
    // boot_checked (the admin API's deploy) waits a bounded time for the boot: it must
    // not wait for a debugger as well. Debuggers may still attach to that worker.
    options.inspect->mode = runtime::inspector::Mode::run;
  }
  options.log = m_hooks.make_log(spec.config.slug);
  if (tee) {
    options.log = [log = std::move(options.log), tee = std::move(tee)](int fd,
                                                                       std::string_view line) {
      tee(fd, line);
      log(fd, line);
    };
  }
  if (m_hooks.on_booted) {
    options.on_booted = [hook = m_hooks.on_booted, slug = spec.config.slug](bool ok, double ms) {
      hook(slug, ok, ms);
    };
  }
  // A worker that a limit ends (CPU hard limit, wall clock) leaves its slot for the reaper
  // at once. It used to stay there until the function's next request: a function not
  // asked again kept its ended worker (with its io_context's three fds) for good. One a
  // limit only retires stays until then (or until its wall clock ends it): its
  // beforeunload listeners run first, and the reaper would end an idle worker at once.
  auto self = std::make_shared<std::atomic<const runtime::Worker*>>(nullptr);
  options.on_limit = [this, self, hook = m_hooks.on_limit,
                      slug = spec.config.slug](std::string_view kind) {
    if (hook) {
      hook(slug, kind);
    }
    if (kind == "cpu_hard" || kind == "wall_clock") {
      release_from_slot(slug, self->load());
    }
  };
  options.on_module = [this, slug = spec.config.slug](const std::string& url) {
    if (!url.starts_with("file://")) {
      return;
    }
    std::filesystem::path path = runtime::file_url_to_path(url);
    {
      std::lock_guard lock(m_dependencies_mutex);
      if (!m_dependencies[slug].insert(path).second) {
        return;
      }
    }
    if (m_hooks.on_dependency) {
      m_hooks.on_dependency(slug, path);
    }
  };
  // Take the spare (isolate and context already made) and make the next one, whose
  // thread does that work while this worker boots the function.
  std::shared_ptr<runtime::Worker> spare;
  {
    std::lock_guard lock(m_spare_mutex);
    spare =
        std::exchange(m_spare, std::make_shared<runtime::Worker>(
                                   runtime::Worker::Spare{}, m_settings.limits.memory_limit_mb));
  }
  if (spare && spare->start(options)) {
    self->store(spare.get());
    return spare;
  }
  if (spare) {
    m_reaper.retire(std::move(spare));
  }
  auto worker = std::make_shared<runtime::Worker>(std::move(options));
  self->store(worker.get());
  return worker;
}

void FunctionTable::release_from_slot(const std::string& slug, const runtime::Worker* worker) {
  if (worker == nullptr) {
    return;
  }
  std::shared_lock catalog(m_catalog_mutex);
  auto it = m_slots.find(slug);
  if (it == m_slots.end()) {
    return;
  }
  std::lock_guard lock(it->second->mutex);
  // A worker still booting stays: the request that booted it is dispatched to it all the
  // same (current_worker's booted_for), so its top level runs once; the next request
  // after that moves it to the reaper as before.
  auto& workers = it->second->workers;
  auto slotted = std::find_if(workers.begin(), workers.end(),
                              [&](const auto& candidate) { return candidate.get() == worker; });
  if (slotted != workers.end() && (*slotted)->state() != runtime::WorkerState::booting) {
    m_reaper.retire(std::move(*slotted));
    workers.erase(slotted);
  }
}

void FunctionTable::dispatch(const std::string& slug, runtime::HttpRequest request,
                             std::shared_ptr<runtime::ResponseSink> sink,
                             const runtime::Worker* booted_for) {
  // Held while the worker is chosen, so that a function removed meanwhile gets no worker.
  std::shared_lock catalog(m_catalog_mutex);
  auto* slot = live_slot(slug);
  if (slot == nullptr) {
    sink->fail(runtime::Failure::worker_error);
    return;
  }
  if (m_settings.oneshot) {
    dispatch_oneshot(slot->spec, std::move(request), std::move(sink));
    return;
  }
  current_worker(*slot, booted_for)->dispatch(std::move(request), std::move(sink));
}

void FunctionTable::dispatch_oneshot(std::shared_ptr<const FunctionSpec> spec,
                                     runtime::HttpRequest request,
                                     std::shared_ptr<runtime::ResponseSink> sink) {
  auto pending = std::make_shared<runtime::HttpRequest>(std::move(request));
  auto start = [this, spec, pending, sink] {
    // Retired at once: the reaper ends it when this request and its waitUntil work are
    // done, or when that work outlives its own limit; the slot is free once it has ended.
    auto worker = boot(*spec);
    worker->dispatch(std::move(*pending), sink);
    worker->retire();
    Retirement how;
    how.background_limit = std::chrono::milliseconds(m_settings.oneshot_background_ms);
    how.on_background_limit = [this, slug = spec->config.slug] {
      m_hooks.make_log(slug)(2, "waitUntil work still running " +
                                    std::to_string(m_settings.oneshot_background_ms) +
                                    " ms after the response (the oneshot limit): worker ended");
    };
    how.on_gone = [this] { m_oneshot_slots.release(); };
    m_reaper.retire(std::move(worker), std::move(how));
  };
  auto refuse = [this, spec, sink] {
    // Supabase's words for the same case: its pool had no worker within the wait.
    m_hooks.make_log(spec->config.slug)(
        2, "worker did not respond in time: all " + std::to_string(m_settings.oneshot_max_workers) +
               " oneshot workers stayed busy for " + std::to_string(m_settings.request_wait_ms) +
               " ms (503)");
    sink->fail(runtime::Failure::boot_error);
  };
  m_oneshot_slots.acquire(std::move(start), std::move(refuse));
}

std::shared_ptr<runtime::Worker> FunctionTable::current_worker(Slot& slot,
                                                               const runtime::Worker* booted_for) {
  std::lock_guard lock(slot.mutex);
  auto& workers = slot.workers;
  for (const auto& worker : workers) {
    if (worker.get() == booted_for && worker->state() != runtime::WorkerState::terminated) {
      return worker;
    }
  }
  for (auto it = workers.begin(); it != workers.end();) {
    if ((*it)->accepting()) {
      ++it;
    } else {
      m_reaper.retire(std::move(*it));
      it = workers.erase(it);
    }
  }
  auto least = least_busy(
      workers.begin(), workers.end(), [](const auto& worker) -> auto& { return *worker; },
      m_settings.max_parallelism);
  if (least != workers.end()) {
    return *least;
  }
  workers.push_back(boot(*slot.spec));
  return workers.back();
}

std::shared_ptr<runtime::Worker> FunctionTable::worker_for(std::string_view slug) {
  if (m_settings.oneshot) {
    return nullptr;
  }
  std::shared_lock catalog(m_catalog_mutex);
  auto* slot = live_slot(slug);
  return slot ? current_worker(*slot) : nullptr;
}

std::shared_ptr<bundler::FunctionModules> FunctionTable::modules_for(const FunctionSpec& spec) {
  if (spec.reload_modules) {
    auto options = m_settings.resolve;
    options.reload = !options.cached_only;
    return std::make_shared<bundler::FunctionModules>(
        bundler::function_source(spec.config, m_settings.project), options,
        bundler::Cache::from_environment(), m_http);
  }
  std::lock_guard lock(m_modules_mutex);
  auto& modules = m_modules[spec.config.slug];
  if (!modules) {
    modules = std::make_shared<bundler::FunctionModules>(
        bundler::function_source(spec.config, m_settings.project), m_settings.resolve,
        bundler::Cache::from_environment(), m_http);
  }
  return modules;
}

std::vector<std::string> FunctionTable::preload() {
  std::vector<std::thread> threads;
  std::mutex mutex;
  std::vector<std::string> failures;
  for (const auto& spec : specs()) {
    if (spec.artifact) {
      continue;  // nothing to fetch
    }
    threads.emplace_back([this, spec, &mutex, &failures] {
      try {
        modules_for(spec)->prepare();
      } catch (const std::exception& error) {
        std::lock_guard lock(mutex);
        failures.push_back(spec.config.slug + ": " + error.what());
      }
    });
  }
  for (auto& thread : threads) {
    thread.join();
  }
  std::sort(failures.begin(), failures.end());
  return failures;
}

void FunctionTable::forget_modules(const std::string& slug) {
  std::lock_guard lock(m_modules_mutex);
  m_modules.erase(slug);
}

void FunctionTable::release(std::shared_ptr<runtime::Worker> worker, Retirement how) {
  m_reaper.retire(std::move(worker), std::move(how));
}

void FunctionTable::retire(const std::string& slug) {
  forget_modules(slug);
  std::shared_lock catalog(m_catalog_mutex);
  auto* slot = live_slot(slug);
  if (slot == nullptr) {
    return;
  }
  std::lock_guard lock(slot->mutex);
  for (auto& worker : slot->workers) {
    m_reaper.retire(std::move(worker));
  }
  slot->workers.clear();
}

std::vector<std::string> FunctionTable::affected_by(
    const std::vector<std::filesystem::path>& paths) const {
  std::vector<std::string> slugs;
  auto current = specs();
  std::lock_guard lock(m_dependencies_mutex);
  for (const auto& spec : current) {
    const auto& slug = spec.config.slug;
    auto deps = m_dependencies.find(slug);
    bool hit = std::any_of(paths.begin(), paths.end(), [&](const std::filesystem::path& path) {
      return util::is_under(spec.folder, path) ||
             (deps != m_dependencies.end() && deps->second.count(path));
    });
    if (hit) {
      slugs.push_back(slug);
    }
  }
  return slugs;
}

std::size_t WorkerReaper::pending() const {
  std::lock_guard lock(m_mutex);
  return m_queue.size() + m_draining + m_joining;
}

std::size_t FunctionTable::live_workers() const {
  std::size_t live = m_reaper.pending();
  std::shared_lock catalog(m_catalog_mutex);
  for (const auto& [slug, slot] : m_slots) {
    std::lock_guard lock(slot->mutex);
    live += static_cast<std::size_t>(std::count_if(
        slot->workers.begin(), slot->workers.end(),
        [](const auto& worker) { return worker->state() != runtime::WorkerState::terminated; }));
  }
  return live;
}

void WorkerReaper::hurry() {
  {
    std::lock_guard lock(m_mutex);
    m_hurry = true;
  }
  m_wake.notify_all();
}

void WorkerReaper::wait_until_empty() {
  std::unique_lock lock(m_mutex);
  m_emptied.wait(lock, [&] { return m_queue.empty() && m_draining == 0 && m_joining == 0; });
}

void FunctionTable::shutdown() {
  m_oneshot_slots.close();
  {
    std::lock_guard lock(m_spare_mutex);
    if (m_spare) {
      m_spare->terminate(runtime::Failure::worker_error);
      m_reaper.retire(std::move(m_spare));
    }
  }
  {
    std::shared_lock catalog(m_catalog_mutex);
    for (auto& [slug, slot] : m_slots) {
      std::lock_guard lock(slot->mutex);
      for (auto& worker : slot->workers) {
        worker->terminate(runtime::Failure::worker_error);
        m_reaper.retire(std::move(worker));
      }
      slot->workers.clear();
    }
  }
  m_reaper.hurry();  // retired workers still holding WebSockets: the server is going
  m_reaper.wait_until_empty();
}

}  // namespace server
