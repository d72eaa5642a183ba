// The V8 side of a worker's inspector: V8InspectorClient (the nested message loop while
// paused), one session at a time, and the channel that hands V8's answers to the target.
#include "runtime/inspector/worker_inspector.hpp"

#include "runtime/inspector/protocol_string.hpp"

#include <time.h>
#include <v8-inspector.h>

#include <chrono>

namespace runtime::inspector {
namespace {

constexpr int k_context_group = 1;

std::chrono::nanoseconds thread_cpu_time() {
  timespec ts{};
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
  return std::chrono::seconds(ts.tv_sec) + std::chrono::nanoseconds(ts.tv_nsec);
}

}  // namespace

class WorkerInspector::Impl final : public v8_inspector::V8InspectorClient,
                                    public v8_inspector::V8Inspector::Channel {
 public:
  Impl(v8::Isolate* isolate, v8::Local<v8::Context> context, std::string title, std::string url,
       const InspectOptions& options, std::function<void()> wake,
       std::function<void(std::string_view)> log,
       std::function<void(std::chrono::nanoseconds)> uncharge)
      : m_isolate(isolate),
        m_context(isolate, context),
        m_targets(options.targets),
        m_mode(options.mode),
        m_log(std::move(log)),
        m_uncharge(std::move(uncharge)),
        m_inspector(v8_inspector::V8Inspector::create(isolate, this)) {
    m_target = m_targets->add(std::move(title), url);
    m_target->set_wake(std::move(wake));
    // auxData's isDefault: the context DevTools and VS Code evaluate in by default.
    v8_inspector::V8ContextInfo info(context, k_context_group, view_of(m_target->title()));
    info.origin = view_of(url);
    static constexpr std::string_view k_aux = R"({"isDefault":true})";
    info.auxData = view_of(k_aux);
    m_inspector->contextCreated(info);
  }

  ~Impl() override {
    m_targets->remove(m_target);
    m_target->end();
    m_session.reset();
    {
      v8::HandleScope scope(m_isolate);
      m_inspector->contextDestroyed(m_context.Get(m_isolate));
    }
    m_inspector.reset();
  }

  void before_main_module() {
    if (m_mode == Mode::run) {
      return;
    }
    m_log("Debugger listening on ws://" + m_targets->endpoint() + "/" + m_target->id());
    m_log("Waiting for the debugger to attach to " + m_target->title() + " (" + m_target->url() +
          ")");
    m_waiting_for_debugger = true;
    while (m_waiting_for_debugger) {
      if (!handle(*m_target->next(true))) {
        return;  // the worker ends
      }
    }
    m_log("Debugger attached.");
    if (m_mode == Mode::brk && m_session) {
      m_session->schedulePauseOnNextStatement(view_of("Break on start"), view_of("{}"));
    }
  }

  void dispatch_queued() {
    while (auto incoming = m_target->next(false)) {
      if (!handle(*incoming)) {
        return;
      }
    }
  }

  const std::shared_ptr<Target>& target() const { return m_target; }

  // --- V8InspectorClient ---

  // JavaScript is paused: serve the debugger from here until it resumes. The thread
  // blocks on the target's queue (no spinning); the worker's loop and its timers wait.
  void runMessageLoopOnPause(int) override {
    if (m_paused) {
      return;  // V8 does not nest pauses; be safe if it ever asks twice
    }
    m_paused = true;
    m_quit = false;
    while (!m_quit) {
      if (!handle(*m_target->next(true))) {
        break;  // the worker is being terminated: let V8 unwind
      }
      if (!m_session) {
        break;  // the debugger left, and with it whoever could resume us
      }
    }
    m_paused = false;
  }
  void quitMessageLoopOnPause() override { m_quit = true; }
  void runIfWaitingForDebugger(int) override { m_waiting_for_debugger = false; }
  v8::Local<v8::Context> ensureDefaultContextInGroup(int) override {
    return m_context.Get(m_isolate);
  }
  double currentTimeMS() override {
    return std::chrono::duration<double, std::milli>(
               std::chrono::system_clock::now().time_since_epoch())
        .count();
  }

  // --- Channel: V8's answers and events, on this thread, for the frontend ---

  void sendResponse(int, std::unique_ptr<v8_inspector::StringBuffer> message) override {
    m_target->send(to_utf8(message->string()));
  }
  void sendNotification(std::unique_ptr<v8_inspector::StringBuffer> message) override {
    m_target->send(to_utf8(message->string()));
  }
  void flushProtocolNotifications() override {}

 private:
  // False once the target ended (the worker is being terminated).
  bool handle(const Target::Incoming& incoming) {
    using Kind = Target::Incoming::Kind;
    switch (incoming.kind) {
      case Kind::ended:
        return false;
      case Kind::attached:
        m_session = m_inspector->connect(k_context_group, this, view_of(""));
        return true;
      case Kind::detached:
        // Ending the session disables its agents, which resumes a paused worker
        // (quitMessageLoopOnPause), as when Node's debugger disconnects.
        m_session.reset();
        return true;
      case Kind::message:
        if (m_session) {
          v8::HandleScope scope(m_isolate);
          v8::Context::Scope context_scope(m_context.Get(m_isolate));
          // Measured at the outermost dispatch only: one that pauses (an evaluation
          // reaching `debugger;`) runs the ones of the nested loop inside it.
          bool outermost = m_dispatch_depth++ == 0;
          auto before = outermost ? thread_cpu_time() : std::chrono::nanoseconds(0);
          m_session->dispatchProtocolMessage(view_of(incoming.message));
          --m_dispatch_depth;
          if (outermost && m_uncharge) {
            m_uncharge(thread_cpu_time() - before);
          }
        }
        return true;
    }
    return true;
  }

  v8::Isolate* m_isolate;
  v8::Global<v8::Context> m_context;
  std::shared_ptr<Targets> m_targets;
  Mode m_mode;
  std::function<void(std::string_view)> m_log;
  std::function<void(std::chrono::nanoseconds)> m_uncharge;
  std::shared_ptr<Target> m_target;
  std::unique_ptr<v8_inspector::V8Inspector> m_inspector;
  std::unique_ptr<v8_inspector::V8InspectorSession> m_session;
  bool m_paused = false;
  bool m_quit = false;
  bool m_waiting_for_debugger = false;
  int m_dispatch_depth = 0;
};

WorkerInspector::WorkerInspector(v8::Isolate* isolate, v8::Local<v8::Context> context,
                                 std::string title, std::string url, const InspectOptions& options,
                                 std::function<void()> wake,
                                 std::function<void(std::string_view)> log,
                                 std::function<void(std::chrono::nanoseconds)> uncharge)
    : m_impl(std::make_unique<Impl>(isolate, context, std::move(title), std::move(url), options,
                                    std::move(wake), std::move(log), std::move(uncharge))) {}
WorkerInspector::~WorkerInspector() = default;
void WorkerInspector::before_main_module() {
  m_impl->before_main_module();
}
void WorkerInspector::dispatch_queued() {
  m_impl->dispatch_queued();
}
const std::shared_ptr<Target>& WorkerInspector::target() const {
  return m_impl->target();
}

}  // namespace runtime::inspector
