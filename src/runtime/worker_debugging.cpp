// A worker under V8's inspector (`--inspect`): the hooks between WorkerImpl and
// inspector::WorkerInspector, kept out of worker.cpp.
#include "runtime/watchdog.hpp"
#include "runtime/worker_impl.hpp"

#include <cstdio>

namespace runtime {

void WorkerImpl::start_inspector() {
  // The worker's thread, isolate entered, context made: V8's inspector sees the context
  // before any of the function's code is compiled, so every script is reported.
  v8::HandleScope handle_scope(m_isolate);
  auto title = m_options.name.empty() ? std::string("sbfn worker") : m_options.name;
  m_loader->set_debugger_source_maps(true);
  m_inspector = std::make_unique<inspector::WorkerInspector>(
      m_isolate, m_context.Get(m_isolate), title, m_options.main_module, *m_options.inspect,
      // Called on the listener's thread: the loop takes the message as soon as it can.
      [mailbox = m_mailbox] {
        mailbox->post([](WorkerImpl& worker) { worker.dispatch_inspector_messages(); });
      },
      [this](std::string_view line) {
        if (m_options.test) {
          // A test worker's own output waits for its test's report; this line must not.
          std::fprintf(stderr, "%.*s\n", static_cast<int>(line.size()), line.data());
        } else {
          print(2, line);
        }
      },
      // What DevTools' evaluations and previews cost this thread is taken back off the
      // worker's CPU clock: a long debugging session must not end the function (546).
      [this](std::chrono::nanoseconds cpu) { Watchdog::instance().charge(m_watch_ticket, -cpu); });
  std::lock_guard lock(m_isolate_mutex);
  m_inspector_target = m_inspector->target();
  if (m_state == WorkerState::terminated) {
    m_inspector_target->end();  // terminate() ran before the target existed
  }
}

void WorkerImpl::dispatch_inspector_messages() {
  // Through run_js: a message may run JavaScript (Runtime.evaluate) whose microtasks and
  // errors are the worker's like any other task's.
  run_js([&](v8::Local<v8::Context>) {
    if (m_inspector) {
      m_inspector->dispatch_queued();
    }
  });
}

}  // namespace runtime
