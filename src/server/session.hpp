#pragma once

#include "server/connection_slot.hpp"

#include <boost/asio/ip/tcp.hpp>

#include <memory>

namespace server {

class ServerState;

// Serves one HTTP/1.1 connection: parses requests, routes them, and writes what the
// function (or the server itself) answers, keeping the connection alive between them.
void start_session(boost::asio::ip::tcp::socket socket, ServerState& state, ConnectionSlot slot);

}  // namespace server
