#pragma once

#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <deque>
#include <functional>
#include <mutex>
#include <thread>

namespace server {

// Bounds how many oneshot workers are alive at once (each is a thread and a few MB of
// isolate; a flood of requests whose waitUntil never settles once made thousands). A
// request that finds no free slot waits for one, in arrival order, up to a timeout, as
// Supabase's pool does under its `--request-wait-timeout`.
class WorkerSlots {
 public:
  WorkerSlots(std::size_t max_live, std::chrono::milliseconds wait);
  ~WorkerSlots();
  WorkerSlots(const WorkerSlots&) = delete;
  WorkerSlots& operator=(const WorkerSlots&) = delete;

  // Runs `start` holding a slot: at once on this thread when one is free, else on the
  // thread that frees one. When none frees up within the wait (or the server is shutting
  // down), runs `refuse` instead. The slot is held until release().
  void acquire(std::function<void()> start, std::function<void()> refuse);
  // A slot's worker has ended: the oldest waiting request gets the slot.
  void release();
  // Refuses every waiting request and, from now on, every new one.
  void close();

 private:
  struct Waiting {
    std::function<void()> start;
    std::function<void()> refuse;
    std::chrono::steady_clock::time_point deadline;
  };
  void run();  // refuses the waiting requests whose time is up

  const std::size_t m_max_live;
  const std::chrono::milliseconds m_wait;
  std::mutex m_mutex;
  std::condition_variable m_wake;
  std::size_t m_live = 0;
  std::deque<Waiting> m_waiting;
  bool m_closed = false;
  std::thread m_thread;  // last: starts once everything above exists
};

}  // namespace server
