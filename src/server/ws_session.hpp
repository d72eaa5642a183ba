#pragma once

#include "server/connection_slot.hpp"

#include "runtime/http.hpp"

#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/websocket.hpp>

#include <atomic>
#include <cstddef>
#include <deque>
#include <memory>
#include <string>
#include <utility>

namespace server {

// A connection after a function accepted its WebSocket upgrade (Beast's websocket stream).
// Lives on the connection's strand; the worker reaches it through the session's channel.
// `queued` counts the bytes sent by the function but not yet written to the client.
class WsSession : public std::enable_shared_from_this<WsSession> {
 public:
  WsSession(boost::beast::tcp_stream stream, std::shared_ptr<runtime::WebSocketPeer> peer,
            ConnectionSlot slot, std::shared_ptr<std::atomic<std::size_t>> queued);

  // Answers the upgrade `request` (with `protocol` when the function chose one), then reads.
  void start(const boost::beast::http::request<boost::beast::http::string_body>& request,
             const std::string& protocol);
  void send(std::string data, bool binary);
  // The close frame goes after every message queued before it.
  void close(int code, std::string reason);

 private:
  void read();
  void write_next();
  void closed(int code, std::string reason);

  boost::beast::websocket::stream<boost::beast::tcp_stream> m_ws;
  std::shared_ptr<runtime::WebSocketPeer> m_peer;
  boost::beast::flat_buffer m_buffer;
  std::deque<std::pair<std::string, bool>> m_out;
  bool m_writing = false;
  bool m_closing = false;
  bool m_close_sent = false;
  bool m_closed = false;
  boost::beast::websocket::close_reason m_close_reason;
  ConnectionSlot m_slot;
  std::shared_ptr<std::atomic<std::size_t>> m_queued;
};

}  // namespace server
