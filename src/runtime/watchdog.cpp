#include "runtime/watchdog.hpp"

#include <ctime>

namespace runtime {
namespace {

// How often limits are checked: the most a hard limit can be overrun by.
constexpr auto k_period = std::chrono::milliseconds(10);

std::chrono::nanoseconds cpu_time_of(clockid_t clock) {
  timespec ts{};
  if (clock_gettime(clock, &ts) != 0) {
    return std::chrono::nanoseconds(0);
  }
  return std::chrono::seconds(ts.tv_sec) + std::chrono::nanoseconds(ts.tv_nsec);
}

}  // namespace

Watchdog& Watchdog::instance() {
  // Never destroyed: worker threads may unwatch while static destructors run.
  static auto* watchdog = new Watchdog();
  return *watchdog;
}

Watchdog::Watchdog() : m_thread([this] { run(); }) {}

Watchdog::~Watchdog() {
  {
    std::lock_guard lock(m_mutex);
    m_stopping = true;
  }
  m_thread.join();
}

int Watchdog::watch(Limits limits, Handler handler) {
  clockid_t clock{};
  pthread_getcpuclockid(pthread_self(), &clock);
  auto cpu_at_start = cpu_time_of(clock);
  std::lock_guard lock(m_mutex);
  int ticket = m_next_ticket++;
  m_entries.push_back({ticket, clock, std::chrono::steady_clock::now(), cpu_at_start,
                       std::chrono::nanoseconds(0), limits, std::move(handler), 0, std::nullopt,
                       std::nullopt});
  return ticket;
}

void Watchdog::unwatch(int ticket) {
  std::lock_guard lock(m_mutex);
  std::erase_if(m_entries, [&](const Entry& e) { return e.ticket == ticket; });
}

void Watchdog::charge(int ticket, std::chrono::nanoseconds cpu) {
  std::lock_guard lock(m_mutex);
  for (auto& entry : m_entries) {
    if (entry.ticket == ticket) {
      entry.charged += cpu;
    }
  }
}

void Watchdog::pause_cpu(int ticket) {
  std::lock_guard lock(m_mutex);
  for (auto& entry : m_entries) {
    if (entry.ticket == ticket && !entry.paused_at) {
      entry.paused_at = cpu_time_of(entry.clock);
    }
  }
}

void Watchdog::resume_cpu(int ticket) {
  std::lock_guard lock(m_mutex);
  for (auto& entry : m_entries) {
    if (entry.ticket == ticket && entry.paused_at) {
      entry.charged -= cpu_time_of(entry.clock) - *entry.paused_at;
      entry.paused_at.reset();
    }
  }
}

void Watchdog::last_words(int ticket, std::chrono::steady_clock::time_point deadline) {
  std::lock_guard lock(m_mutex);
  for (auto& entry : m_entries) {
    if (entry.ticket == ticket) {
      entry.last_words = deadline;
    }
  }
}

void Watchdog::run() {
  for (;;) {
    std::this_thread::sleep_for(k_period);
    {
      // Handlers run under the lock: unwatch() (called before a worker goes away) then
      // waits for them, so no handler ever reaches a destroyed worker.
      std::lock_guard lock(m_mutex);
      if (m_stopping) {
        return;
      }
      auto now = std::chrono::steady_clock::now();
      for (auto& entry : m_entries) {
        auto cpu =
            entry.paused_at.value_or(cpu_time_of(entry.clock)) - entry.cpu_at_start + entry.charged;
        auto age = now - entry.started;
        auto check = [&](bool passed, Event event) {
          unsigned bit = 1u << static_cast<unsigned>(event);
          if (passed && !(entry.fired & bit)) {
            entry.fired |= bit;
            entry.handler(event);
          }
        };
        check(cpu >= entry.limits.cpu_soft, Event::cpu_soft);
        check(cpu >= entry.limits.cpu_hard, Event::cpu_hard);
        if (entry.limits.wall_clock.count() > 0) {  // 0: no wall-clock limit (--inspect)
          check(age >= entry.limits.wall_clock / 2, Event::wall_half);
          check(age >= entry.limits.wall_clock, Event::wall_full);
        }
        check(entry.last_words && now >= *entry.last_words, Event::last_words);
      }
    }
  }
}

}  // namespace runtime
