#include "runtime/watchdog.hpp"

#include <doctest/doctest.h>

#include <atomic>
#include <ctime>
#include <thread>

using runtime::Watchdog;
using namespace std::chrono_literals;

namespace {

std::chrono::nanoseconds thread_cpu() {
  timespec ts{};
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
  return std::chrono::seconds(ts.tv_sec) + std::chrono::nanoseconds(ts.tv_nsec);
}

// Spends `amount` of this thread's CPU time (not wall time: a busy machine only makes it
// take longer).
void burn(std::chrono::nanoseconds amount) {
  auto until = thread_cpu() + amount;
  volatile unsigned sink = 0;
  while (thread_cpu() < until) {
    for (int i = 0; i < 1000; ++i) {
      sink = sink + static_cast<unsigned>(i);
    }
  }
}

struct Seen {
  std::atomic<bool> soft{false};
  std::atomic<bool> hard{false};
};

int watch(Seen& seen, std::chrono::milliseconds soft, std::chrono::milliseconds hard) {
  return Watchdog::instance().watch({soft, hard, 0ms}, [&seen](Watchdog::Event event) {
    if (event == Watchdog::Event::cpu_soft) {
      seen.soft = true;
    } else if (event == Watchdog::Event::cpu_hard) {
      seen.hard = true;
    }
  });
}

// The watchdog looks every 10 ms: waiting a few of its rounds (in wall time) lets it see
// whatever there is to see.
void let_it_look() {
  std::this_thread::sleep_for(60ms);
}

}  // namespace

TEST_SUITE_BEGIN("runtime");

TEST_CASE("runtime::Watchdog counts a thread's CPU time against its limits") {
  Seen seen;
  int ticket = watch(seen, 40ms, 100000ms);
  burn(60ms);
  let_it_look();
  CHECK(seen.soft);
  CHECK_FALSE(seen.hard);
  Watchdog::instance().unwatch(ticket);
}

TEST_CASE("runtime::Watchdog leaves CPU time spent while paused off the clock (module loading)") {
  Seen seen;
  int ticket = watch(seen, 40ms, 80ms);
  Watchdog::instance().pause_cpu(ticket);
  burn(150ms);  // past both limits, but paused
  let_it_look();
  CHECK_FALSE(seen.soft);
  CHECK_FALSE(seen.hard);
  Watchdog::instance().resume_cpu(ticket);
  let_it_look();
  CHECK_FALSE(seen.soft);  // resuming does not bring the paused time back
  burn(60ms);              // counted again: past the soft limit
  let_it_look();
  CHECK(seen.soft);
  CHECK_FALSE(seen.hard);
  Watchdog::instance().unwatch(ticket);
}

TEST_CASE("runtime::Watchdog: pausing twice or resuming unpaused changes nothing") {
  Seen seen;
  int ticket = watch(seen, 40ms, 100000ms);
  Watchdog::instance().resume_cpu(ticket);  // not paused: nothing taken off
  Watchdog::instance().pause_cpu(ticket);
  burn(30ms);
  Watchdog::instance().pause_cpu(ticket);  // the first pause's start stands
  burn(30ms);
  Watchdog::instance().resume_cpu(ticket);
  Watchdog::instance().resume_cpu(ticket);
  let_it_look();
  CHECK_FALSE(seen.soft);
  burn(60ms);
  let_it_look();
  CHECK(seen.soft);
  Watchdog::instance().unwatch(ticket);
}
