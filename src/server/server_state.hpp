#pragma once

#include "server/api_keys.hpp"
#include "server/functions.hpp"
#include "server/log.hpp"

#include "runtime/http.hpp"

#include <boost/asio/io_context.hpp>

#include <atomic>
#include <cstddef>
#include <functional>
#include <string>

namespace server {

// What every connection of one server shares.
class JwtVerifier;
class ProxiedPeers;
class Metrics;

class ServerState {
 public:
  ServerState(FunctionTable* functions, Logger& log, const JwtVerifier* jwt,
              std::size_t max_body_bytes, std::size_t request_idle_timeout_ms)
      : functions(functions),
        log(log),
        jwt(jwt),
        max_body_bytes(max_body_bytes),
        request_idle_timeout_ms(request_idle_timeout_ms) {}

  FunctionTable* functions;  // null for a direct listener
  // Set (a direct listener, direct_listener.hpp): every request goes here as the client
  // sent it, past the router, the API keys and the JWT gate.
  runtime::RequestHandler direct;
  // Set (`--admin-token-file`): requests to /_admin/... go here, past the gateway, with
  // bodies up to admin_body_limit.
  runtime::RequestHandler admin;
  std::size_t admin_body_limit = 0;
  // Set (`--tls-cert`): connections come from the TLS front, which knows the real clients.
  const ProxiedPeers* proxied = nullptr;
  // Set (`--metrics`, or the admin API): every response is counted; `metrics_page` renders
  // them, and GET /metrics answers with it when `metrics_public`.
  Metrics* metrics = nullptr;
  std::function<std::string()> metrics_page;
  bool metrics_public = false;
  Logger& log;
  const JwtVerifier* jwt;  // null: --no-verify-jwt
  ApiKeys api_keys;        // swapped for JWTs whether or not the JWT is then checked
  std::size_t max_body_bytes;
  std::size_t request_idle_timeout_ms;
  std::atomic<std::size_t> active_requests{0};
  std::atomic<bool> draining{false};  // shutting down: answer, then close connections
  // Connection limits and timeouts (--max-connections, --request-read-timeout,
  // --keep-alive-timeout); set once before the listener starts.
  std::size_t max_connections = 0;
  std::size_t request_read_timeout_ms = 30'000;
  std::size_t keep_alive_timeout_ms = 15'000;
  std::atomic<std::size_t> connections{0};
  // The server's own I/O threads' loop: where connections go back to when the worker
  // they were moved to ends.
  boost::asio::io_context* io = nullptr;
};

}  // namespace server
