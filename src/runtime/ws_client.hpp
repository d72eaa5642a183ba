#pragma once

#include "runtime/http.hpp"

#include <functional>
#include <memory>
#include <string>
#include <vector>

namespace boost::asio {
class io_context;
}

namespace runtime {

// Where a `new WebSocket(url, protocols)` connects (the URL already checked in JS).
struct WebSocketTarget {
  std::string host;
  std::string port;
  std::string resource;  // path and query
  bool secure = false;   // wss: TLS with the system CA store and `ca_files`
  std::vector<std::string> protocols;
  std::vector<std::string> ca_files;  // PEM files trusted besides the system store
};

// What the client tells the function: "open" (data: the protocol the server chose),
// "message", "close" (code; 1006 with the reason when the connection failed or broke).
// Called on the io_context's thread; "close" comes last, once.
using WebSocketClientEvent =
    std::function<void(const char* kind, std::string data, bool binary, int code)>;

// A WebSocket client (Boost.Beast) on `io`: the worker's loop. send/close are called on
// that loop's thread too.
std::shared_ptr<WebSocketConnection> connect_websocket(boost::asio::io_context& io,
                                                       WebSocketTarget target,
                                                       WebSocketClientEvent on_event);

}  // namespace runtime
