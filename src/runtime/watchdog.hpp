#pragma once

#include <pthread.h>

#include <chrono>
#include <functional>
#include <mutex>
#include <optional>
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
    std::chrono::milliseconds wall_clock;  // 0: none
  };
  // last_words: the deadline set with last_words() passed.
  enum class Event { cpu_soft, cpu_hard, wall_half, wall_full, last_words };
  using Handler = std::function<void(Event)>;

  static Watchdog& instance();

  // Starts watching the calling thread; each event is reported once, on the watchdog's
  // thread, and must not call back into the Watchdog. CPU limits count all of the
  // thread's CPU time from now on, over the worker's life, as Supabase's per_worker policy
  // does: whatever the thread runs (a request, a timer, microtasks after the response,
  // waitUntil work) counts, and the worker itself never reads a clock. Returns a ticket
  // for unwatch().
  int watch(Limits limits, Handler handler);
  void unwatch(int ticket);

  // Adds CPU time the watched worker had spent on another thread (node:crypto's offloaded
  // key derivations) to its clock; nothing once the ticket is unwatched.
  void charge(int ticket, std::chrono::nanoseconds cpu);

  // Stops and restarts the watched thread's CPU clock, from that thread: loading a
  // function's module graph (fetching, transpiling, compiling) is the runtime's work, not
  // the function's, and edge-runtime does not count it either; evaluating it does count.
  // The wall clock runs on, so a load that never ends is still stopped.
  void pause_cpu(int ticket);
  void resume_cpu(int ticket);

  // The worker is ending and runs its unload listeners, past every limit it had: reports
  // Event::last_words once `deadline` passes, so that a listener that never returns is
  // stopped too.
  void last_words(int ticket, std::chrono::steady_clock::time_point deadline);

  ~Watchdog();

 private:
  Watchdog();
  void run();

  struct Entry {
    int ticket;
    clockid_t clock;
    std::chrono::steady_clock::time_point started;
    std::chrono::nanoseconds cpu_at_start;
    std::chrono::nanoseconds charged;  // spent for it on other threads
    Limits limits;
    Handler handler;
    unsigned fired = 0;  // bit per Event already reported
    std::optional<std::chrono::steady_clock::time_point> last_words;
    std::optional<std::chrono::nanoseconds> paused_at;  // the thread's clock at pause_cpu
  };
  std::mutex m_mutex;
  std::vector<Entry> m_entries;
  int m_next_ticket = 1;
  bool m_stopping = false;
  std::thread m_thread;
};

}  // namespace runtime
