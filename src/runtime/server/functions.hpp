#pragma once

#include "runtime/runtime.hpp"
#include "runtime/server/config.hpp"

#include <condition_variable>
#include <deque>
#include <map>
#include <memory>
#include <mutex>
#include <set>
#include <string>
#include <thread>
#include <vector>

namespace server {

// One servable function: where its code is.
struct FunctionSpec {
  FunctionConfig config;
  std::filesystem::path folder;  // the entrypoint's folder, absolute
};

// What the table asks of the server for each worker it boots.
struct FunctionHooks {
  std::function<runtime::LogFn(const std::string& slug)> make_log;
  // The environment a new worker of this function gets (env files are read afresh).
  std::function<std::vector<std::pair<std::string, std::string>>(const FunctionSpec&)> make_env;
  // A worker of `slug` loaded the local file `path`.
  std::function<void(const std::string& slug, const std::filesystem::path& path)> on_dependency;
};

struct WorkerSettings {
  bool oneshot = false;  // a fresh worker for every request
  std::size_t memory_limit_mb = 256;
  std::size_t cpu_soft_limit_ms = 1000;
  std::size_t cpu_hard_limit_ms = 2000;
  std::size_t wall_clock_limit_ms = 400'000;
  // Where every function may import local modules from (each also from its own folder).
  std::vector<std::filesystem::path> import_roots;
};

// Destroys retired workers on a thread of its own: a worker's destructor joins its
// thread, which must never stall the server's I/O threads.
class WorkerReaper {
 public:
  WorkerReaper();
  ~WorkerReaper();
  void retire(std::shared_ptr<runtime::Worker> worker);
  // Blocks until every retired worker has ended.
  void wait_until_empty();

 private:
  std::mutex m_mutex;
  std::condition_variable m_wake;
  std::condition_variable m_emptied;
  std::size_t m_draining = 0;
  std::size_t m_joining = 0;  // workers being destroyed on threads of their own
  std::deque<std::shared_ptr<runtime::Worker>> m_queue;
  bool m_stopping = false;
  std::thread m_thread;
};

// The functions a server runs, each with its worker (booted on first request).
class FunctionTable {
 public:
  FunctionTable(std::vector<FunctionSpec> specs, WorkerSettings settings, FunctionHooks hooks);

  // Hands a request to the function's worker, booting one when there is none or the
  // last one failed. A slug that contains() does not know fails the request (500).
  void dispatch(const std::string& slug, runtime::HttpRequest request,
                std::shared_ptr<runtime::ResponseSink> sink);

  // The function with that slug, or null.
  const FunctionSpec* find(std::string_view slug) const {
    auto it = m_slots.find(slug);
    return it == m_slots.end() ? nullptr : it->second->spec;
  }

  // The per_worker worker of `slug` (booted when there is none); null for an unknown
  // slug or under the oneshot policy.
  std::shared_ptr<runtime::Worker> worker_for(std::string_view slug);

  // Retires the function's workers: the next request boots its code afresh.
  void retire(const std::string& slug);

  // The functions a change to `paths` concerns: a path inside a function's folder, or a
  // file one of its workers loaded.
  std::vector<std::string> affected_by(const std::vector<std::filesystem::path>& paths) const;

  // Stops every worker (open requests fail) and waits until they have ended.
  void shutdown();

  const std::vector<FunctionSpec>& specs() const { return m_specs; }

 private:
  struct Slot {
    const FunctionSpec* spec;
    std::mutex mutex;
    std::shared_ptr<runtime::Worker> worker;
  };

  std::shared_ptr<runtime::Worker> boot(const FunctionSpec& spec);
  std::shared_ptr<runtime::Worker> current_worker(Slot& slot);

  std::vector<FunctionSpec> m_specs;
  WorkerSettings m_settings;
  FunctionHooks m_hooks;
  mutable std::mutex m_dependencies_mutex;
  std::map<std::string, std::set<std::filesystem::path>> m_dependencies;  // slug -> files
  std::map<std::string, std::unique_ptr<Slot>, std::less<>> m_slots;
  WorkerReaper m_reaper;
  std::mutex m_spare_mutex;
  std::shared_ptr<runtime::Worker> m_spare;  // made by the first boot, replaced at each
};

}  // namespace server
