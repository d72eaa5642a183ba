// WorkerSlots: the bound on live oneshot workers. No timing is asserted: waits are
// either generous upper bounds or a timeout that must pass before a refusal.
#include "server/worker_slots.hpp"

#include <doctest/doctest.h>

#include <atomic>
#include <chrono>
#include <future>
#include <string>
#include <vector>

using namespace std::chrono_literals;

TEST_SUITE_BEGIN("server");

TEST_CASE("server::WorkerSlots starts at once while slots are free, then queues in order") {
  server::WorkerSlots slots(2, 60s);
  std::vector<std::string> events;  // appended on this thread only (release runs start here)
  auto take = [&](const std::string& name) {
    slots.acquire([&events, name] { events.push_back("start " + name); },
                  [&events, name] { events.push_back("refuse " + name); });
  };
  take("a");
  take("b");
  take("c");  // waits: two are alive
  take("d");
  CHECK(events == std::vector<std::string>{"start a", "start b"});
  slots.release();  // a ended: the oldest waiting request (c) gets its slot
  CHECK(events.back() == "start c");
  slots.release();
  CHECK(events.back() == "start d");
  slots.release();
  slots.release();
  take("e");  // nothing waits and slots are free again
  CHECK(events.back() == "start e");
  CHECK(events.size() == 5);
}

TEST_CASE("server::WorkerSlots refuses a request that waited past the timeout") {
  server::WorkerSlots slots(1, 50ms);
  std::promise<void> refused;
  std::atomic<int> started{0};
  slots.acquire([&] { ++started; }, [] {});
  slots.acquire([&] { ++started; }, [&] { refused.set_value(); });
  // Generous: only a server that never refuses fails here.
  REQUIRE(refused.get_future().wait_for(30s) == std::future_status::ready);
  CHECK(started == 1);
  slots.release();  // the refused request must not get the slot afterwards
  CHECK(started == 1);
}

TEST_CASE("server::WorkerSlots close refuses the waiting and every later request") {
  server::WorkerSlots slots(1, 60s);
  int started = 0;
  int refused = 0;
  slots.acquire([&] { ++started; }, [&] { ++refused; });
  slots.acquire([&] { ++started; }, [&] { ++refused; });
  slots.close();
  CHECK(refused == 1);
  slots.acquire([&] { ++started; }, [&] { ++refused; });
  CHECK(refused == 2);
  CHECK(started == 1);
  slots.release();
  CHECK(started == 1);
}

TEST_SUITE_END();
