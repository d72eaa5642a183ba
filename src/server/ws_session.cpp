#include "server/ws_session.hpp"

#include "server/net.hpp"

namespace server {

WsSession::WsSession(beast::tcp_stream stream, std::shared_ptr<runtime::WebSocketPeer> peer,
                     ConnectionSlot slot, std::shared_ptr<std::atomic<std::size_t>> queued)
    : m_ws(std::move(stream)),
      m_peer(std::move(peer)),
      m_slot(std::move(slot)),
      m_queued(std::move(queued)) {}

void WsSession::start(const http::request<http::string_body>& request,
                      const std::string& protocol) {
  m_ws.set_option(websocket::stream_base::timeout::suggested(beast::role_type::server));
  m_ws.set_option(websocket::stream_base::decorator([protocol](websocket::response_type& res) {
    if (!protocol.empty()) {
      res.set(http::field::sec_websocket_protocol, protocol);
    }
  }));
  m_ws.async_accept(request, [self = shared_from_this()](beast::error_code error) {
    if (error) {
      self->closed(1006, "");
      return;
    }
    self->m_peer->on_open();
    self->read();
  });
}

void WsSession::send(std::string data, bool binary) {
  if (m_closing) {
    *m_queued -= data.size();
    return;
  }
  m_out.emplace_back(std::move(data), binary);
  if (!m_writing) {
    write_next();
  }
}

void WsSession::close(int code, std::string reason) {
  if (m_closing) {
    return;
  }
  m_closing = true;
  m_close_reason = websocket::close_reason(static_cast<websocket::close_code>(code), reason);
  if (!m_writing) {
    write_next();
  }
}

void WsSession::read() {
  m_ws.async_read(m_buffer, [self = shared_from_this()](beast::error_code error, std::size_t) {
    if (error) {
      auto reason = self->m_ws.reason();
      bool clean = error == websocket::error::closed;
      self->closed(clean ? reason.code : 1006, clean ? std::string(reason.reason.c_str()) : "");
      return;
    }
    self->m_peer->on_message(beast::buffers_to_string(self->m_buffer.data()),
                             !self->m_ws.got_text());
    self->m_buffer.consume(self->m_buffer.size());
    self->read();
  });
}

// One message in flight at a time (Beast allows one write); the close frame goes after
// every message queued before it.
void WsSession::write_next() {
  if (m_out.empty()) {
    m_writing = false;
    if (m_closing && !m_close_sent && !m_closed) {
      m_close_sent = true;
      m_writing = true;
      m_ws.async_close(m_close_reason,
                       [self = shared_from_this()](beast::error_code) { self->m_writing = false; });
    }
    return;
  }
  m_writing = true;
  m_ws.text(!m_out.front().second);
  m_ws.async_write(asio::buffer(m_out.front().first),
                   [self = shared_from_this()](beast::error_code error, std::size_t) {
                     *self->m_queued -= self->m_out.front().first.size();
                     self->m_out.pop_front();
                     if (error) {
                       for (const auto& [data, binary] : self->m_out) {
                         *self->m_queued -= data.size();
                       }
                       self->m_out.clear();
                       self->m_writing = false;
                       return;
                     }
                     self->write_next();
                   });
}

void WsSession::closed(int code, std::string reason) {
  if (m_closed) {
    return;
  }
  m_closed = true;
  m_peer->on_close(code, std::move(reason));
}

}  // namespace server
