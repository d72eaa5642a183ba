#include "runtime/server/functions.hpp"

#include "runtime/module_source.hpp"

namespace server {
namespace {

// How long a retired worker may keep answering the requests it already has.
constexpr auto k_drain_limit = std::chrono::seconds(150);

}  // namespace

WorkerReaper::WorkerReaper()
    : m_thread([this] {
        std::unique_lock lock(m_mutex);
        for (;;) {
          m_wake.wait(lock, [&] { return m_stopping || !m_queue.empty(); });
          if (m_queue.empty()) {
            return;
          }
          auto worker = std::move(m_queue.front());
          m_queue.pop_front();
          lock.unlock();
          // Retired, not killed: requests it already has may finish first.
          auto deadline = std::chrono::steady_clock::now() + k_drain_limit;
          while (worker->state() == runtime::WorkerState::ready && worker->in_flight() > 0 &&
                 std::chrono::steady_clock::now() < deadline) {
            std::this_thread::sleep_for(std::chrono::milliseconds(5));
          }
          worker->terminate(runtime::Failure::worker_error);
          worker.reset();  // joins the worker's thread once nobody else holds it
          lock.lock();
        }
      }) {}

WorkerReaper::~WorkerReaper() {
  {
    std::lock_guard lock(m_mutex);
    m_stopping = true;
  }
  m_wake.notify_all();
  m_thread.join();
}

void WorkerReaper::retire(std::shared_ptr<runtime::Worker> worker) {
  if (!worker) {
    return;
  }
  {
    std::lock_guard lock(m_mutex);
    m_queue.push_back(std::move(worker));
  }
  m_wake.notify_one();
}

FunctionTable::FunctionTable(std::vector<FunctionSpec> specs, WorkerSettings settings,
                             std::function<runtime::LogFn(const std::string&)> make_log)
    : m_specs(std::move(specs)), m_settings(settings), m_make_log(std::move(make_log)) {
  for (const auto& spec : m_specs) {
    auto slot = std::make_unique<Slot>();
    slot->spec = &spec;
    m_slots.emplace(spec.config.slug, std::move(slot));
  }
}

std::shared_ptr<runtime::Worker> FunctionTable::boot(const FunctionSpec& spec) {
  runtime::WorkerOptions options;
  options.name = spec.config.slug;
  auto entry = std::filesystem::absolute(spec.config.entrypoint).lexically_normal();
  options.main_module = runtime::path_to_file_url(entry.string());
  options.root = entry.parent_path();
  options.env = spec.env;
  options.memory_limit_mb = m_settings.memory_limit_mb;
  options.log = m_make_log(spec.config.slug);
  return std::make_shared<runtime::Worker>(std::move(options));
}

void FunctionTable::dispatch(const std::string& slug, runtime::HttpRequest request,
                             std::shared_ptr<runtime::ResponseSink> sink) {
  auto it = m_slots.find(slug);
  if (it == m_slots.end()) {
    sink->fail(runtime::Failure::worker_error);
    return;
  }
  auto& slot = *it->second;
  std::shared_ptr<runtime::Worker> worker;
  {
    std::lock_guard lock(slot.mutex);
    auto state = slot.worker ? slot.worker->state() : runtime::WorkerState::terminated;
    if (state == runtime::WorkerState::failed || state == runtime::WorkerState::terminated) {
      if (slot.worker) {
        m_reaper.retire(std::move(slot.worker));
      }
      slot.worker = boot(*slot.spec);
    }
    worker = slot.worker;
  }
  worker->dispatch(std::move(request), std::move(sink));
}

void FunctionTable::retire(const std::string& slug) {
  auto it = m_slots.find(slug);
  if (it == m_slots.end()) {
    return;
  }
  std::lock_guard lock(it->second->mutex);
  m_reaper.retire(std::move(it->second->worker));
}

void FunctionTable::shutdown() {
  for (auto& [slug, slot] : m_slots) {
    std::lock_guard lock(slot->mutex);
    if (slot->worker) {
      slot->worker->terminate(runtime::Failure::worker_error);
    }
    m_reaper.retire(std::move(slot->worker));
  }
}

}  // namespace server
