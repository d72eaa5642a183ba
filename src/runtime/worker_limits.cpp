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

}  // namespace

void WorkerImpl::on_limit(int event) {
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
      m_mailbox->post([](WorkerImpl& worker) { worker.fire_before_unload("cpu"); });
      break;
    case Watchdog::Event::wall_half:
      print(2, "wall clock at half its limit: worker retired");
      retire();
      m_mailbox->post([](WorkerImpl& worker) { worker.fire_before_unload("wall_clock"); });
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
  }
}

// On the worker's thread: tells the function it is being retired, as Supabase's runtime does.
void WorkerImpl::fire_before_unload(const char* reason) {
  if (m_state == WorkerState::terminated || m_hooks.before_unload.IsEmpty()) {
    return;
  }
  run_js([&](v8::Local<v8::Context> context) {
    v8::Local<v8::Value> args[] = {v8_str(m_isolate, reason)};
    std::ignore = m_hooks.before_unload.Get(m_isolate)->Call(context, context->Global(), 1, args);
  });
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
