#include "support/worker_fixture.hpp"

#include <mutex>

namespace test_support {

struct ScriptWorker::Shared {
  mutable std::mutex mutex;
  std::vector<std::string> lines;
};

ScriptWorker::ScriptWorker(runtime::WorkerOptions options) : m_shared(std::make_shared<Shared>()) {
  if (options.name.empty()) {
    options.name = "unit";
  }
  options.require_handler = false;
  options.log = [shared = m_shared](int fd, std::string_view line) {
    std::lock_guard lock(shared->mutex);
    shared->lines.push_back(std::to_string(fd) + ":" + std::string(line));
  };
  m_worker = std::make_unique<runtime::Worker>(std::move(options));
}

runtime::EvalResult ScriptWorker::eval(const std::string& source) {
  auto future = m_worker->eval(source);
  if (future.wait_for(std::chrono::seconds(30)) != std::future_status::ready) {
    return {"timeout", "the snippet did not settle within 30 s"};
  }
  return future.get();
}

std::vector<std::string> ScriptWorker::output() const {
  std::lock_guard lock(m_shared->mutex);
  return m_shared->lines;
}

runtime::EvalResult eval(const std::string& source) {
  return ScriptWorker().eval(source);
}

}  // namespace test_support
