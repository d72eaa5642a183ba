#pragma once

#include <pthread.h>

#include <atomic>
#include <chrono>
#include <cstdint>
#include <functional>
#include <mutex>
#include <thread>
#include <vector>

namespace runtime {

// Watches the CPU time and age of every worker thread from one thread of its own, and
// tells a worker when it passes a limit. Per-thread CPU clocks make the CPU limit count
// only the worker's own work, never time spent waiting.
class Watchdog {
 public:
  struct Limits {
    std::chrono::milliseconds cpu_soft;
    std::chrono::milliseconds cpu_hard;
    std::chrono::milliseconds wall_clock;
  };
  enum class Event { cpu_soft, cpu_hard, wall_half, wall_full };
  using Handler = std::function<void(Event)>;

  static Watchdog& instance();

  // Starts watching the calling thread; each event is reported once, on the watchdog's
  // thread, and must not call back into the Watchdog. `*busy` names what the thread is
  // working on (its oldest open request; 0 when idle): CPU limits count the thread's CPU
  // time from when the watchdog first saw the current value, so they apply per request,
  // not over the worker's life, and the worker never reads a clock on its hot path.
  // `busy` must stay valid until unwatch(). Returns a ticket for unwatch().
  int watch(Limits limits, const std::atomic<std::uint64_t>* busy, Handler handler);
  void unwatch(int ticket);

  ~Watchdog();

 private:
  Watchdog();
  void run();

  struct Entry {
    int ticket;
    clockid_t clock;
    std::chrono::steady_clock::time_point started;
    Limits limits;
    const std::atomic<std::uint64_t>* busy;
    std::uint64_t seen = 0;                // the busy value of the last check
    std::chrono::nanoseconds baseline{0};  // thread CPU when `seen` was first seen
    Handler handler;
    unsigned fired = 0;  // bit per Event already reported
  };
  std::mutex m_mutex;
  std::vector<Entry> m_entries;
  int m_next_ticket = 1;
  bool m_stopping = false;
  std::thread m_thread;
};

}  // namespace runtime
