// A worker's resource limits: CPU and wall-clock events from the watchdog, and the
// memory budget's heap callbacks.
#include "runtime/v8_util.hpp"
#include "runtime/watchdog.hpp"
#include "runtime/worker_impl.hpp"

namespace runtime {
namespace {

// What a worker over its memory limit may still allocate while its termination lands
// (see near_heap_limit): per step, and in all.
constexpr std::size_t k_unwind_headroom = std::size_t{1100} << 20;
constexpr std::size_t k_unwind_ceiling = std::size_t{3} << 30;

// How long an ending worker's beforeunload and unload listeners may run, in all: past it
// they are terminated (a listener that never returns must not hold up the worker's end).
constexpr auto k_last_words_limit = std::chrono::milliseconds(500);

// The share of the memory limit at which "beforeunload" (memory) is dispatched: edge-runtime's
// --dispatch-beforeunload-memory-ratio default, 90 %.
constexpr std::size_t k_memory_alert_percent = 90;

}  // namespace

void WorkerImpl::on_limit(int event) {
  if (static_cast<Watchdog::Event>(event) == Watchdog::Event::last_words) {
    std::lock_guard lock(m_isolate_mutex);
    if (m_isolate) {
      m_isolate->TerminateExecution();
    }
    return;
  }
  if (m_options.on_limit) {
    auto kind = static_cast<Watchdog::Event>(event);
    m_options.on_limit(kind == Watchdog::Event::cpu_soft    ? "cpu_soft"
                       : kind == Watchdog::Event::cpu_hard  ? "cpu_hard"
                       : kind == Watchdog::Event::wall_half ? "wall_clock_half"
                                                            : "wall_clock");
  }
  switch (static_cast<Watchdog::Event>(event)) {
    case Watchdog::Event::cpu_soft:
      print(2, "CPU time soft limit reached (" +
                   std::to_string(m_options.limits.cpu_soft_limit_ms) +
                   " ms): worker retired, a new one takes the next requests");
      retire();
      m_mailbox->post([](WorkerImpl& worker) { worker.retired_by_limit("cpu"); });
      break;
    case Watchdog::Event::wall_half:
      print(2, "wall clock at half its limit: worker retired");
      retire();
      m_mailbox->post([](WorkerImpl& worker) { worker.retired_by_limit("wall_clock"); });
      break;
    case Watchdog::Event::cpu_hard:
      print(2, "CPU time hard limit reached (" +
                   std::to_string(m_options.limits.cpu_hard_limit_ms) + " ms): worker terminated");
      terminate(Failure::limit);
      break;
    case Watchdog::Event::wall_full:
      print(2, "wall clock limit reached (" + std::to_string(m_options.limits.wall_clock_limit_ms) +
                   " ms): worker terminated");
      terminate(Failure::limit);
      break;
    case Watchdog::Event::last_words:
      break;  // handled above
  }
}

// On the worker's thread: the function's lifecycle events, as Supabase's runtime fires them.
void WorkerImpl::fire_lifecycle(const char* type, const char* reason) {
  if (m_state == WorkerState::terminated || m_hooks.lifecycle.IsEmpty()) {
    return;
  }
  run_js([&](v8::Local<v8::Context> context) {
    v8::Local<v8::Value> args[] = {v8_str(m_isolate, type), v8_str(m_isolate, reason)};
    std::ignore = m_hooks.lifecycle.Get(m_isolate)->Call(context, context->Global(), 2, args);
  });
}

void WorkerImpl::retired_by_limit(const char* reason) {
  fire_lifecycle("beforeunload", reason);
  if (m_in_flight == 0) {  // else the last request's end dispatches it
    dispatch_drain();
  }
}

void WorkerImpl::dispatch_drain() {
  if (m_drained || m_state == WorkerState::terminated) {
    return;
  }
  m_drained = true;
  fire_lifecycle("drain");
}

// After terminate() stopped the loop of a healthy worker: the termination is taken back
// so that JavaScript runs once more. "drain" (a retired worker that had not dispatched it),
// "beforeunload" with edge-runtime's reason (early_drop: retired and idle, as its
// supervisor drops such a worker; termination: ended while busy, or the server
// stopping), then "unload". A watchdog deadline ends listeners that do not return.
void WorkerImpl::say_last_words() {
  {
    std::lock_guard lock(m_isolate_mutex);
    m_isolate->CancelTerminateExecution();
  }
  Watchdog::instance().last_words(m_watch_ticket,
                                  std::chrono::steady_clock::now() + k_last_words_limit);
  v8::HandleScope handle_scope(m_isolate);
  auto context = m_context.Get(m_isolate);
  v8::Context::Scope context_scope(context);
  v8::TryCatch try_catch(m_isolate);
  auto fire = [&](const char* type, const char* reason) {
    v8::Local<v8::Value> args[] = {v8_str(m_isolate, type), v8_str(m_isolate, reason)};
    std::ignore = m_hooks.lifecycle.Get(m_isolate)->Call(context, context->Global(), 2, args);
    if (!try_catch.HasTerminated()) {
      m_isolate->PerformMicrotaskCheckpoint();
    }
    bool go_on = !try_catch.HasTerminated();
    try_catch.Reset();
    return go_on;
  };
  bool idle = m_in_flight == 0 && m_background_tasks == 0 && m_accepted_sockets == 0;
  if (m_retired && idle && !m_drained) {
    m_drained = true;
    if (!fire("drain", "")) {
      return;
    }
  }
  if (fire("beforeunload", m_retired && idle ? "early_drop" : "termination")) {
    fire("unload", "");
  }
  std::lock_guard lock(m_isolate_mutex);
  m_isolate->TerminateExecution();  // whatever it left to do stays undone
}

std::size_t WorkerImpl::near_heap_limit(void* data, std::size_t current, std::size_t initial) {
  static_cast<WorkerImpl*>(data)->memory_limit_reached();
  // Termination lands at V8's next interrupt check, and a long builtin has none until it
  // returns (Array.prototype.fill on a sparse array allocates ~500 MB at once, midway):
  // without room to finish it, V8 ends the process. So each call grants room for the
  // largest single object V8 makes (~1 GiB), up to a ceiling past which V8's fatal
  // OOM handler (fatal_errors.cpp) reports the function instead.
  if (current >= initial + k_unwind_ceiling) {
    return current;
  }
  return current + k_unwind_headroom;
}

void WorkerImpl::after_gc(v8::Isolate* isolate, v8::GCType, v8::GCCallbackFlags, void* data) {
  auto* self = static_cast<WorkerImpl*>(data);
  v8::HeapStatistics stats;
  isolate->GetHeapStatistics(&stats);
  // V8 counts every backing store as external memory, also those the allocator never
  // sees (Wasm memories, buffers adopted from C++ such as request bodies): that share
  // is measured here, with the heap.
  auto v8_external = stats.external_memory();
  auto charged = self->m_memory.external();
  self->m_memory.set_measured(stats.used_heap_size() +
                              (v8_external > charged ? v8_external - charged : 0));
  if (self->m_memory.over()) {
    self->memory_limit_reached();
  } else if (!self->m_memory_alerted &&
             self->m_memory.total() * 100 >= self->m_memory.limit() * k_memory_alert_percent) {
    self->m_memory_alerted = true;
    self->m_mailbox->post(
        [](WorkerImpl& worker) { worker.fire_lifecycle("beforeunload", "memory"); });
  }
}

void WorkerImpl::memory_limit_reached() {
  if (m_memory_limit_hit.exchange(true)) {
    return;
  }
  m_terminate_reason = Failure::limit;
  m_isolate->TerminateExecution();
  if (m_options.on_limit) {
    m_options.on_limit("memory");
  }
  print(2, "memory limit reached (" + std::to_string(m_options.limits.memory_limit_mb) +
               " MB of heap and buffers): worker terminated");
}

}  // namespace runtime
