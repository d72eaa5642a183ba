// LazyTimer: a deadline that moves without timer operations. Nothing here asserts how
// fast anything happens, only that an expiry never comes before its deadline, comes once,
// and never comes after clear(), cancel() or the owner's end.
#include "server/lazy_timer.hpp"

#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <doctest/doctest.h>

#include <chrono>
#include <memory>
#include <vector>

using namespace std::chrono_literals;
using Clock = server::LazyTimer::Clock;

namespace {

struct Owner : std::enable_shared_from_this<Owner> {
  explicit Owner(boost::asio::io_context& io) : timer(io.get_executor()) {}
  void expired() { expiries.push_back(Clock::now()); }
  server::LazyTimer timer;
  std::vector<Clock::time_point> expiries;
};

// Runs `io` until `until` from now has passed (a timer of its own ends the run).
void run_for(boost::asio::io_context& io, Clock::duration until) {
  boost::asio::steady_timer stop(io, until);
  stop.async_wait([&io](boost::system::error_code) { io.stop(); });
  io.restart();
  io.run();
}

}  // namespace

TEST_SUITE_BEGIN("server");

TEST_CASE("server::LazyTimer expires once, never before its deadline") {
  boost::asio::io_context io;
  auto owner = std::make_shared<Owner>(io);
  auto set = Clock::now();
  owner->timer.expires_after(30ms, *owner, &Owner::expired);
  run_for(io, 300ms);
  REQUIRE(owner->expiries.size() == 1);
  CHECK(owner->expiries[0] >= set + 30ms);
}

TEST_CASE("server::LazyTimer: a deadline moved later is the one that counts") {
  boost::asio::io_context io;
  auto owner = std::make_shared<Owner>(io);
  owner->timer.expires_after(20ms, *owner, &Owner::expired);
  // Moved later before the first deadline passes, as each request of a keep-alive
  // connection does: the timer that fires early arms itself again.
  Clock::time_point last_set;
  boost::asio::steady_timer mover(io, 10ms);
  mover.async_wait([&](boost::system::error_code) {
    last_set = Clock::now();
    owner->timer.expires_after(120ms, *owner, &Owner::expired);
  });
  run_for(io, 600ms);
  REQUIRE(owner->expiries.size() == 1);
  CHECK(owner->expiries[0] >= last_set + 120ms);
}

TEST_CASE("server::LazyTimer: a deadline moved earlier re-arms the timer") {
  boost::asio::io_context io;
  auto owner = std::make_shared<Owner>(io);
  owner->timer.expires_after(10s, *owner, &Owner::expired);
  auto set = Clock::now();
  owner->timer.expires_after(20ms, *owner, &Owner::expired);
  run_for(io, 400ms);  // far less than 10 s: the earlier deadline fired
  REQUIRE(owner->expiries.size() == 1);
  CHECK(owner->expiries[0] >= set + 20ms);
}

TEST_CASE("server::LazyTimer: clear() and cancel() leave no expiry") {
  boost::asio::io_context io;
  auto cleared = std::make_shared<Owner>(io);
  cleared->timer.expires_after(20ms, *cleared, &Owner::expired);
  cleared->timer.clear();  // the wait in flight finds no deadline
  auto cancelled = std::make_shared<Owner>(io);
  cancelled->timer.expires_after(20ms, *cancelled, &Owner::expired);
  cancelled->timer.cancel();
  run_for(io, 200ms);
  CHECK(cleared->expiries.empty());
  CHECK(cancelled->expiries.empty());
  // Set again after a clear, it works as new.
  cleared->timer.expires_after(10ms, *cleared, &Owner::expired);
  run_for(io, 200ms);
  CHECK(cleared->expiries.size() == 1);
}

TEST_CASE("server::LazyTimer: a cancelled timer holds no work, an ended owner gets no call") {
  boost::asio::io_context io;
  auto owner = std::make_shared<Owner>(io);
  owner->timer.expires_after(10s, *owner, &Owner::expired);
  owner->timer.cancel();
  io.restart();
  CHECK(io.run() == 1);  // only the cancelled wait's completion: nothing left pending
  // The owner ends with a wait in flight: the wait completes without touching it.
  auto gone = std::make_shared<Owner>(io);
  gone->timer.expires_after(10ms, *gone, &Owner::expired);
  gone.reset();
  run_for(io, 100ms);
}
