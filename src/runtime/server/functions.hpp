#pragma once

#include "runtime/runtime.hpp"
#include "runtime/server/config.hpp"

#include <condition_variable>
#include <deque>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

namespace server {

// One servable function: where its code is and what its workers get.
struct FunctionSpec {
  FunctionConfig config;
  std::vector<std::pair<std::string, std::string>> env;
};

struct WorkerSettings {
  std::size_t memory_limit_mb = 256;
};

// Destroys retired workers on a thread of its own: a worker's destructor joins its
// thread, which must never stall the server's I/O threads.
class WorkerReaper {
 public:
  WorkerReaper();
  ~WorkerReaper();
  void retire(std::shared_ptr<runtime::Worker> worker);

 private:
  std::mutex m_mutex;
  std::condition_variable m_wake;
  std::deque<std::shared_ptr<runtime::Worker>> m_queue;
  bool m_stopping = false;
  std::thread m_thread;
};

// The functions a server runs, each with its worker (booted on first request).
class FunctionTable {
 public:
  FunctionTable(std::vector<FunctionSpec> specs, WorkerSettings settings,
                std::function<runtime::LogFn(const std::string& slug)> make_log);

  // Hands a request to the function's worker, booting one when there is none or the
  // last one failed. A slug that contains() does not know fails the request (500).
  void dispatch(const std::string& slug, runtime::HttpRequest request,
                std::shared_ptr<runtime::ResponseSink> sink);

  bool contains(std::string_view slug) const { return m_slots.find(slug) != m_slots.end(); }

  // Retires the function's workers: the next request boots its code afresh.
  void retire(const std::string& slug);

  // Stops every worker (open requests fail).
  void shutdown();

  const std::vector<FunctionSpec>& specs() const { return m_specs; }

 private:
  struct Slot {
    const FunctionSpec* spec;
    std::mutex mutex;
    std::shared_ptr<runtime::Worker> worker;
  };

  std::shared_ptr<runtime::Worker> boot(const FunctionSpec& spec);

  std::vector<FunctionSpec> m_specs;
  WorkerSettings m_settings;
  std::function<runtime::LogFn(const std::string&)> m_make_log;
  std::map<std::string, std::unique_ptr<Slot>, std::less<>> m_slots;
  WorkerReaper m_reaper;
};

}  // namespace server
