#include "runtime/platform.hpp"

#include <libplatform/libplatform.h>

#include <atomic>
#include <mutex>
#include <unordered_map>

namespace runtime {
namespace {

std::mutex g_wakers_mutex;
std::unordered_map<v8::Isolate*, std::function<void(double)>> g_wakers;
v8::Platform* g_inner = nullptr;
// Tasks given to V8's worker threads (jobs' included) that have not finished yet.
std::atomic<std::size_t> g_background_tasks{0};

// Counts a worker-thread task from the moment it is posted until it has run (or was
// dropped unrun when the platform shut down).
class CountedTask : public v8::Task {
 public:
  explicit CountedTask(std::unique_ptr<v8::Task> inner) : m_inner(std::move(inner)) {
    g_background_tasks.fetch_add(1, std::memory_order_relaxed);
  }
  ~CountedTask() override { g_background_tasks.fetch_sub(1, std::memory_order_release); }
  void Run() override { m_inner->Run(); }

 private:
  std::unique_ptr<v8::Task> m_inner;
};

std::unique_ptr<v8::Task> counted(std::unique_ptr<v8::Task> task) {
  return std::make_unique<CountedTask>(std::move(task));
}

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
    m_inner->CallOnWorkerThread(counted(std::move(task)));
  }
  void CallBlockingTaskOnWorkerThread(std::unique_ptr<v8::Task> task) override {
    m_inner->CallBlockingTaskOnWorkerThread(counted(std::move(task)));
  }
  void CallLowPriorityTaskOnWorkerThread(std::unique_ptr<v8::Task> task) override {
    m_inner->CallLowPriorityTaskOnWorkerThread(counted(std::move(task)));
  }
  void CallDelayedOnWorkerThread(std::unique_ptr<v8::Task> task, double delay_s) override {
    m_inner->CallDelayedOnWorkerThread(counted(std::move(task)), delay_s);
  }
  bool IdleTasksEnabled(v8::Isolate* isolate) override {
    return m_inner->IdleTasksEnabled(isolate);
  }
  // V8's own job implementation, as the default platform uses it, but posting its worker
  // tasks through this platform, so that they are counted too.
  std::unique_ptr<v8::JobHandle> PostJob(v8::TaskPriority priority,
                                         std::unique_ptr<v8::JobTask> job) override {
    return v8::platform::NewDefaultJobHandle(this, priority, std::move(job),
                                             NumberOfWorkerThreads());
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

bool platform_background_busy() {
  return g_background_tasks.load(std::memory_order_acquire) > 0;
}

void pump_platform_tasks(v8::Isolate* isolate) {
  while (v8::platform::PumpMessageLoop(g_inner, isolate)) {
  }
}

}  // namespace runtime
