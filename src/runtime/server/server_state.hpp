#pragma once

#include "runtime/server/functions.hpp"
#include "runtime/server/log.hpp"

#include <atomic>
#include <cstddef>

namespace server {

// What every connection of one server shares.
class ServerState {
 public:
  ServerState(FunctionTable& functions, Logger& log, std::size_t max_body_bytes)
      : functions(functions), log(log), max_body_bytes(max_body_bytes) {}

  FunctionTable& functions;
  Logger& log;
  std::size_t max_body_bytes;
  std::atomic<std::size_t> active_requests{0};
  std::atomic<bool> draining{false};  // shutting down: answer, then close connections
};

}  // namespace server
