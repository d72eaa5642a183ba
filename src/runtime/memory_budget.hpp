#pragma once

#include <v8-array-buffer.h>

#include <atomic>
#include <cstddef>
#include <memory>

namespace runtime {

// A worker's one memory limit, shared by the V8 heap and the memory outside it
// (ArrayBuffer and Wasm backing stores, buffers the ops hand to JavaScript), so that a
// function cannot dodge --memory-limit by keeping its data in typed arrays.
//
// External bytes are charged when they are allocated and released when V8 frees them,
// which may happen on V8's sweeper threads: hence the atomics. The rest is *measured*
// after each garbage collection: the heap, plus the external memory V8 knows of and
// the allocator never saw (Wasm memories). Measuring on every allocation instead would
// put a heap walk on the hot path.
class MemoryBudget {
 public:
  explicit MemoryBudget(std::size_t limit_bytes) : m_limit(limit_bytes) {}

  std::size_t limit() const { return m_limit; }
  std::size_t external() const { return m_external.load(std::memory_order_relaxed); }
  std::size_t measured() const { return m_measured.load(std::memory_order_relaxed); }
  std::size_t total() const { return measured() + external(); }
  bool over() const { return total() > m_limit; }
  // What may still be allocated outside the heap.
  std::size_t remaining() const {
    auto used = total();
    return used >= m_limit ? 0 : m_limit - used;
  }

  void set_measured(std::size_t bytes) { m_measured.store(bytes, std::memory_order_relaxed); }
  // Charges `bytes` unless that would take the total past the limit.
  bool try_charge(std::size_t bytes);
  void release(std::size_t bytes) { m_external.fetch_sub(bytes, std::memory_order_relaxed); }

 private:
  std::size_t m_limit;
  std::atomic<std::size_t> m_external{0};
  std::atomic<std::size_t> m_measured{0};
};

// The isolate's ArrayBuffer allocator: malloc/calloc, charged to `budget`. An allocation
// past the budget returns null, which V8 turns into "RangeError: Array buffer
// allocation failed" in the function. `budget` must outlive the isolate.
std::unique_ptr<v8::ArrayBuffer::Allocator> make_counting_allocator(MemoryBudget& budget);

}  // namespace runtime
