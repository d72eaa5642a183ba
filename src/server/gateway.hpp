#pragma once

// The gateway in front of the functions, as Supabase's main service has it: routing, the
// API-key swap, the JWT gate, and the request a function gets. It holds no socket, so the
// session calls it once a request's head (and, if small, body) is in, and tests call it
// directly.

#include "server/responses.hpp"

#include "runtime/http.hpp"

#include <memory>
#include <optional>
#include <string>
#include <string_view>

namespace server {

struct ApiKeys;
class FunctionTable;
class JwtVerifier;
class Logger;
class RequestHead;

// What the gateway makes of one request: an answer of its own, or a request for a function.
struct Admission {
  // The function the target names, for the request log; empty for the health check and
  // for targets that name none.
  std::string slug;
  // Set: the client gets this (health, 404, 401) and no function sees the request.
  std::optional<CannedResponse> answer;
  // Otherwise: what the function `slug` is given.
  runtime::HttpRequest request;
};

// The request a function gets for `message`: its URL `http://<Host><target>`, its
// headers, the client's address, and the body (moved out of `message`) unless it still
// arrives through `body_source`.
runtime::HttpRequest function_request(RequestHead& message, std::string_view target,
                                      std::string_view remote_address, unsigned remote_port,
                                      std::shared_ptr<runtime::RequestBodySource> body_source);

// The pieces of the server's state the gateway reads; cheap to make per request.
struct Gateway {
  const FunctionTable& functions;
  const ApiKeys& api_keys;
  const JwtVerifier* jwt;  // null: --no-verify-jwt
  Logger& log;             // a refused token is logged with its reason

  // Routes `message` and, for a function, swaps an API key in `apikey` (or a `Bearer sb_…`
  // Authorization) for its JWT, checks the JWT unless the function has `verify_jwt` off or
  // the method is OPTIONS, then builds the function's request from `message`, the client's
  // `remote_address` and `remote_port`. `message` is changed: its Authorization may be
  // rewritten and, unless the body still arrives through `body_source`, its body is moved
  // into the request.
  Admission admit(RequestHead& message, std::string_view remote_address, unsigned remote_port,
                  std::shared_ptr<runtime::RequestBodySource> body_source) const;
};

}  // namespace server
