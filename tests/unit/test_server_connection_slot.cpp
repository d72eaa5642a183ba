#include "server/connection_slot.hpp"

#include <doctest/doctest.h>

#include <optional>

TEST_CASE("ConnectionSlot: one place per connection, freed once, wherever it moved") {
  std::atomic<std::size_t> count{0};
  std::optional<server::ConnectionSlot> home;
  home.emplace(count);
  CHECK(count == 1);
  server::ConnectionSlot worker;  // the hand-off: the slot moves with the socket
  worker = std::move(*home);
  home.reset();
  CHECK(count == 1);
  {
    server::ConnectionSlot websocket(std::move(worker));
    CHECK(count == 1);
  }
  CHECK(count == 0);
  server::ConnectionSlot a(count);
  server::ConnectionSlot b(count);
  CHECK(count == 2);
  a = std::move(b);  // taking another's place frees its own
  CHECK(count == 1);
}
