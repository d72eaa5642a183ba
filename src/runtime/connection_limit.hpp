#pragma once

#include <cstddef>

namespace runtime {

// How many outbound connections one worker may hold at once, per kind (Deno.connect and
// node:net sockets; fetch's connections; WebSocket clients): a sixteenth of the process's open-file
// limit, between 64 and 4096. The server keeps a quarter of the descriptors (at least 256) for
// everything that is not a client connection (server.cpp), so one function opening
// sockets in a loop runs out of its own share long before it takes the descriptors the
// server needs to accept its siblings' clients.
std::size_t outbound_connection_limit();

}  // namespace runtime
