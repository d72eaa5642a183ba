#pragma once

#include "project/config.hpp"
#include "server/worker_slots.hpp"

#include "bundler/download_progress.hpp"
#include "bundler/function_artifact.hpp"
#include "bundler/function_modules.hpp"
#include "runtime/inspector/inspector.hpp"
#include "runtime/runtime.hpp"

#include <condition_variable>
#include <deque>
#include <iterator>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <set>
#include <shared_mutex>
#include <string>
#include <thread>
#include <vector>

namespace server {

// One servable function: where its code is.
struct FunctionSpec {
  project::FunctionConfig config;  // from an artifact: entrypoint is the .sbfn file
  std::filesystem::path folder;    // the entrypoint's folder, absolute
  // Served from this artifact (`serve --bundle`) instead of its sources.
  std::shared_ptr<bundler::ArtifactModules> artifact;
  // Set for a main service and the user workers it creates (main_service.hpp): their own
  // limits and environment instead of the server's, and the main service's host.
  std::optional<runtime::WorkerLimits> limits;
  std::optional<std::vector<std::pair<std::string, std::string>>> env;
  std::shared_ptr<runtime::UserWorkerHost> user_workers;
  std::shared_ptr<const runtime::Permissions> permissions;  // a user worker's `permissions`
  // A user worker's `noModuleCache`: its graph is resolved afresh and what can change at
  // a URL downloaded again (bundler::ResolveOptions::reload), not kept for later boots.
  bool reload_modules = false;
};

// What the table asks of the server for each worker it boots.
struct FunctionHooks {
  std::function<runtime::LogFn(const std::string& slug)> make_log;
  // The environment a new worker of this function gets (env files are read afresh).
  std::function<std::vector<std::pair<std::string, std::string>>(const FunctionSpec&)> make_env;
  // A worker of `slug` loaded the local file `path`.
  std::function<void(const std::string& slug, const std::filesystem::path& path)> on_dependency;
  // Optional: a worker of `slug` booted (runtime::WorkerOptions::on_booted), or hit a limit.
  std::function<void(const std::string& slug, bool ok, double boot_ms)> on_booted;
  std::function<void(const std::string& slug, std::string_view limit)> on_limit;
};

struct WorkerSettings {
  bool oneshot = false;  // a fresh worker for every request
  // per_worker: at most this many workers of one function at once, each on a thread of its
  // own; another boots when every one has two requests under way (--max-parallelism).
  std::size_t max_parallelism = 1;
  runtime::WorkerLimits limits;
  // oneshot: at most this many workers alive at once; a request waits up to
  // `request_wait_ms` for one to end, then gets 503. A worker's waitUntil work may run for
  // `oneshot_background_ms` once its request is answered.
  std::size_t oneshot_max_workers = 32;
  std::size_t request_wait_ms = 10'000;
  std::size_t oneshot_background_ms = 10'000;
  bundler::ProjectLayout project;
  bundler::ResolveOptions resolve;
  std::optional<runtime::inspector::InspectOptions> inspect;  // --inspect: every worker
  bool inspect_main = false;  // --inspect-main: a main service's worker as well
};

// How busy a worker is, to pick the least busy one (--max-parallelism): the requests it
// has, or the connections handed to it whose request is under way if more (one just
// handed over has not reached open_requests() yet; the two mostly count the same).
std::size_t worker_load(const runtime::Worker& worker);
// Another worker of a function boots once the least busy one has this many requests under
// way: one may be a request just answered whose connection has not gone back to waiting,
// and a client asking one request after another must keep its one worker.
inline constexpr std::size_t k_busy_enough_to_share = 2;

// Which of a function's live workers takes the next connection (`worker_of(*it)` is one):
// the least busy, or `last` when another should boot first (there is none, or every one
// is busy enough to share and there are fewer than `max_parallelism`). At the limit with
// one worker, which is --max-parallelism 1's every request, no load is counted.
template <typename Iterator, typename WorkerOf>
Iterator least_busy(Iterator first, Iterator last, WorkerOf worker_of,
                    std::size_t max_parallelism) {
  auto count = static_cast<std::size_t>(std::distance(first, last));
  if (count == 1 && max_parallelism <= 1) {
    return first;
  }
  auto least = last;
  std::size_t least_load = 0;
  for (auto it = first; it != last; ++it) {
    auto load = worker_load(worker_of(*it));
    if (least == last || load < least_load) {
      least = it;
      least_load = load;
    }
  }
  bool share = least != last && (least_load < k_busy_enough_to_share || count >= max_parallelism);
  return share ? least : last;
}

// How a retired worker may end.
struct Retirement {
  // How long its waitUntil work may run once no request is open (unset: the drain
  // limit alone bounds it).
  std::optional<std::chrono::milliseconds> background_limit;
  std::function<void()> on_background_limit;  // that limit ended it
  std::function<void()> on_gone;              // it has ended and its thread is joined
};

// Destroys retired workers on a thread of its own: a worker's destructor joins its
// thread, which must never stall the server's I/O threads.
class WorkerReaper {
 public:
  WorkerReaper();
  ~WorkerReaper();
  void retire(std::shared_ptr<runtime::Worker> worker, Retirement how = {});
  // Blocks until every retired worker has ended.
  void wait_until_empty();
  // From now on retired workers end at once, whatever they still have open (shutdown).
  void hurry();
  // Retired workers not ended yet.
  std::size_t pending() const;

 private:
  mutable std::mutex m_mutex;
  std::condition_variable m_wake;
  std::condition_variable m_emptied;
  std::size_t m_draining = 0;
  std::size_t m_joining = 0;  // workers being destroyed on threads of their own
  bool m_trim_owed = false;   // a worker ended since free memory was last given back
  std::deque<std::pair<std::shared_ptr<runtime::Worker>, Retirement>> m_queue;
  bool m_stopping = false;
  bool m_hurry = false;
  std::thread m_thread;
};

// What changed when the function folders were scanned again.
struct CatalogChange {
  std::vector<std::string> added;
  std::vector<std::string> removed;
  std::vector<std::string> changed;  // entrypoint or settings differ: workers retired
};

// The functions a server runs, each with its worker (booted on first request). The set of
// functions may change while serving (folders added or removed): update() swaps it.
class FunctionTable {
 public:
  FunctionTable(std::vector<FunctionSpec> specs, WorkerSettings settings, FunctionHooks hooks);

  // Hands a request to the function's worker, booting one when there is none or the
  // last one failed. A slug that find() does not know fails the request (500).
  // `booted_for`: the worker booted when this request arrived (worker_for); if it is
  // still the function's worker it gets the request even when retired or failed meanwhile,
  // so a slow or failing top level is not run a second time for the same request.
  void dispatch(const std::string& slug, runtime::HttpRequest request,
                std::shared_ptr<runtime::ResponseSink> sink,
                const runtime::Worker* booted_for = nullptr);

  // The function with that slug, or null.
  std::shared_ptr<const FunctionSpec> find(std::string_view slug) const;

  // The per_worker worker of `slug` with the least to do (booted when there is none, or
  // when every one is busy and there are fewer than max_parallelism); null for an unknown
  // slug or under the oneshot policy.
  std::shared_ptr<runtime::Worker> worker_for(std::string_view slug);

  // Retires the function's workers: the next request boots its code afresh.
  void retire(const std::string& slug);
  // Hands a worker booted with boot_checked() to the reaper: it ends once its requests
  // and waitUntil work are done.
  void release(std::shared_ptr<runtime::Worker> worker, Retirement how = {});

  // Makes `specs` the served set: new slugs are served from now on, missing ones answer
  // 404 and their workers are retired, and changed ones are retired so that the next
  // request boots the new code.
  // `warm`: workers booted with boot_checked() for some of the new specs; a changed or
  // added function takes its worker at once (its old one finishes what it has).
  CatalogChange update(std::vector<FunctionSpec> specs,
                       std::map<std::string, std::shared_ptr<runtime::Worker>> warm = {});

  // Boots a worker for `spec`, which need not be served yet, and waits up to `limit` for
  // its main module to evaluate: the worker, or the boot error as the function logged it
  // (and null). For a deploy that must not replace working code with broken code.
  struct Booted {
    std::shared_ptr<runtime::Worker> worker;
    std::string error;
  };
  Booted boot_checked(const FunctionSpec& spec, std::chrono::milliseconds limit);

  // The functions a change to `paths` concerns: a path inside a function's folder, or a
  // file one of its workers loaded.
  std::vector<std::string> affected_by(const std::vector<std::filesystem::path>& paths) const;

  // Resolves and downloads every function's imports now (`serve --preload`), in parallel;
  // returns "<slug>: <message>" for each that failed (its requests will get 503).
  std::vector<std::string> preload();

  // Stops every worker (open requests fail) and waits until they have ended.
  void shutdown();

  // The functions served now, by slug.
  std::vector<FunctionSpec> specs() const;

  // Workers alive: serving, or retired and finishing what they have.
  std::size_t live_workers() const;

 private:
  // Never freed while the table lives: a removed function's slot just loses its spec.
  struct Slot {
    std::shared_ptr<const FunctionSpec> spec;  // null: removed; guarded by m_catalog_mutex
    std::mutex mutex;
    std::vector<std::shared_ptr<runtime::Worker>> workers;  // accepting, or booting
  };

  // `tee`: also told every line the worker logs.
  std::shared_ptr<runtime::Worker> boot(const FunctionSpec& spec, runtime::LogFn tee = nullptr);
  // A limit retired or ended `worker`: the reaper takes it from its slot, if it is there.
  void release_from_slot(const std::string& slug, const runtime::Worker* worker);
  // The function's module graph, kept across boots until its code changes (retire()).
  std::shared_ptr<bundler::FunctionModules> modules_for(const FunctionSpec& spec);
  void forget_modules(const std::string& slug);
  void dispatch_oneshot(std::shared_ptr<const FunctionSpec> spec, runtime::HttpRequest request,
                        std::shared_ptr<runtime::ResponseSink> sink);
  // Both with m_catalog_mutex held (shared at least).
  std::shared_ptr<runtime::Worker> current_worker(Slot& slot,
                                                  const runtime::Worker* booted_for = nullptr);
  Slot* live_slot(std::string_view slug) const;  // null: unknown or removed

  WorkerSettings m_settings;
  FunctionHooks m_hooks;
  mutable std::mutex m_dependencies_mutex;
  std::map<std::string, std::set<std::filesystem::path>> m_dependencies;  // slug -> files
  mutable std::shared_mutex m_catalog_mutex;
  std::map<std::string, std::unique_ptr<Slot>, std::less<>> m_slots;
  WorkerSlots m_oneshot_slots;  // before m_reaper: its workers release slots as they end
  WorkerReaper m_reaper;
  std::mutex m_modules_mutex;
  std::map<std::string, std::shared_ptr<bundler::FunctionModules>> m_modules;  // by slug
  std::shared_ptr<bundler::HttpClient> m_http =
      std::make_shared<bundler::HttpClient>(16, bundler::terminal_download_progress(2));
  std::mutex m_spare_mutex;
  std::shared_ptr<runtime::Worker> m_spare;  // made by the first boot, replaced at each
};

}  // namespace server
