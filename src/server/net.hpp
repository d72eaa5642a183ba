#pragma once

// The short names the server's sources use for Boost's networking namespaces, as Beast's
// own examples spell them. Declaring the namespaces is enough for the aliases: each source
// still includes the Asio and Beast headers it uses.

namespace boost::asio {}
namespace boost::beast::http {}
namespace boost::beast::websocket {}

namespace server {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
namespace websocket = beast::websocket;

}  // namespace server
