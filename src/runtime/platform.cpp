#include "runtime/platform.hpp"

#include <libplatform/libplatform.h>

#include <mutex>
#include <unordered_map>

namespace runtime {
namespace {

std::mutex g_wakers_mutex;
std::unordered_map<v8::Isolate*, std::function<void(double)>> g_wakers;
v8::Platform* g_inner = nullptr;

void wake(v8::Isolate* isolate, double delay_s) {
  std::lock_guard lock(g_wakers_mutex);
  if (auto it = g_wakers.find(isolate); it != g_wakers.end()) {
    it->second(delay_s);
  }
}

// Forwards to the default platform's runner, then wakes the owner of the isolate.
class WakingTaskRunner : public v8::TaskRunner {
 public:
  WakingTaskRunner(std::shared_ptr<v8::TaskRunner> inner, v8::Isolate* isolate)
      : m_inner(std::move(inner)), m_isolate(isolate) {}

  void PostTask(std::unique_ptr<v8::Task> task) override {
    m_inner->PostTask(std::move(task));
    wake(m_isolate, 0);
  }
  void PostNonNestableTask(std::unique_ptr<v8::Task> task) override {
    m_inner->PostNonNestableTask(std::move(task));
    wake(m_isolate, 0);
  }
  void PostDelayedTask(std::unique_ptr<v8::Task> task, double delay_s) override {
    m_inner->PostDelayedTask(std::move(task), delay_s);
    wake(m_isolate, delay_s);
  }
  void PostNonNestableDelayedTask(std::unique_ptr<v8::Task> task, double delay_s) override {
    m_inner->PostNonNestableDelayedTask(std::move(task), delay_s);
    wake(m_isolate, delay_s);
  }
  void PostIdleTask(std::unique_ptr<v8::IdleTask> task) override {
    m_inner->PostIdleTask(std::move(task));
  }
  bool IdleTasksEnabled() override { return m_inner->IdleTasksEnabled(); }
  bool NonNestableTasksEnabled() const override { return m_inner->NonNestableTasksEnabled(); }
  bool NonNestableDelayedTasksEnabled() const override {
    return m_inner->NonNestableDelayedTasksEnabled();
  }

 private:
  std::shared_ptr<v8::TaskRunner> m_inner;
  v8::Isolate* m_isolate;
};

class Platform : public v8::Platform {
 public:
  explicit Platform(std::unique_ptr<v8::Platform> inner) : m_inner(std::move(inner)) {}

  v8::PageAllocator* GetPageAllocator() override { return m_inner->GetPageAllocator(); }
  void OnCriticalMemoryPressure() override { m_inner->OnCriticalMemoryPressure(); }
  bool OnCriticalMemoryPressure(size_t length) override {
    return m_inner->OnCriticalMemoryPressure(length);
  }
  int NumberOfWorkerThreads() override { return m_inner->NumberOfWorkerThreads(); }
  std::shared_ptr<v8::TaskRunner> GetForegroundTaskRunner(v8::Isolate* isolate) override {
    return std::make_shared<WakingTaskRunner>(m_inner->GetForegroundTaskRunner(isolate), isolate);
  }
  void CallOnWorkerThread(std::unique_ptr<v8::Task> task) override {
    m_inner->CallOnWorkerThread(std::move(task));
  }
  void CallBlockingTaskOnWorkerThread(std::unique_ptr<v8::Task> task) override {
    m_inner->CallBlockingTaskOnWorkerThread(std::move(task));
  }
  void CallLowPriorityTaskOnWorkerThread(std::unique_ptr<v8::Task> task) override {
    m_inner->CallLowPriorityTaskOnWorkerThread(std::move(task));
  }
  void CallDelayedOnWorkerThread(std::unique_ptr<v8::Task> task, double delay_s) override {
    m_inner->CallDelayedOnWorkerThread(std::move(task), delay_s);
  }
  bool IdleTasksEnabled(v8::Isolate* isolate) override {
    return m_inner->IdleTasksEnabled(isolate);
  }
  std::unique_ptr<v8::JobHandle> PostJob(v8::TaskPriority priority,
                                         std::unique_ptr<v8::JobTask> job) override {
    return m_inner->PostJob(priority, std::move(job));
  }
  double MonotonicallyIncreasingTime() override { return m_inner->MonotonicallyIncreasingTime(); }
  double CurrentClockTimeMillis() override { return m_inner->CurrentClockTimeMillis(); }
  StackTracePrinter GetStackTracePrinter() override { return m_inner->GetStackTracePrinter(); }
  v8::TracingController* GetTracingController() override { return m_inner->GetTracingController(); }

 private:
  std::unique_ptr<v8::Platform> m_inner;
};

}  // namespace

std::unique_ptr<v8::Platform> make_platform() {
  auto inner = v8::platform::NewDefaultPlatform();
  g_inner = inner.get();
  return std::make_unique<Platform>(std::move(inner));
}

void set_platform_waker(v8::Isolate* isolate, std::function<void(double delay_s)> waker) {
  std::lock_guard lock(g_wakers_mutex);
  g_wakers[isolate] = std::move(waker);
}

void clear_platform_waker(v8::Isolate* isolate) {
  std::lock_guard lock(g_wakers_mutex);
  g_wakers.erase(isolate);
}

void pump_platform_tasks(v8::Isolate* isolate) {
  while (v8::platform::PumpMessageLoop(g_inner, isolate)) {
  }
}

}  // namespace runtime
