#pragma once

// Deno.serve({ hostname, port }) in a worker that `sbfn serve` does not feed (a test
// module starting a stand-in upstream for its own tests): a real listener whose every
// request goes to one handler with the URL as the client sent it — no routing, API keys or
// JWT gate — read and answered by the same HTTP sessions as `sbfn serve`'s.

#include "runtime/http.hpp"

#include <cstdint>
#include <memory>
#include <string>

namespace server {

// Binds `hostname:port` (port 0: any free one) and serves on a thread of its own until
// destroyed; throws std::system_error when it cannot bind (the errno as its code).
std::unique_ptr<runtime::Listener> listen_direct(const std::string& hostname, std::uint16_t port,
                                                 runtime::RequestHandler handler);

}  // namespace server
