#include "runtime/ws_client.hpp"

#include "runtime/tls_errors.hpp"

#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/ssl.hpp>
#include <boost/beast/websocket.hpp>
#include <boost/beast/websocket/ssl.hpp>
#include <openssl/ssl.h>

#include <deque>

namespace runtime {
namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace websocket = beast::websocket;
using tcp = asio::ip::tcp;
using boost::system::error_code;

// One client connection over `Stream` (a tcp_stream, or TLS over one).
template <typename Stream>
class Client : public WebSocketConnection, public std::enable_shared_from_this<Client<Stream>> {
 public:
  template <typename... Args>
  Client(asio::io_context& io, WebSocketTarget target, WebSocketClientEvent on_event,
         Args&&... args)
      : m_resolver(io),
        m_ws(std::forward<Args>(args)...),
        m_target(std::move(target)),
        m_on_event(std::move(on_event)) {}

  void start() {
    m_resolver.async_resolve(
        m_target.host, m_target.port,
        [self = this->shared_from_this()](const error_code& ec, tcp::resolver::results_type r) {
          if (ec) {
            return self->fail("failed to lookup address information: " + ec.message());
          }
          beast::get_lowest_layer(self->m_ws).expires_after(std::chrono::seconds(30));
          beast::get_lowest_layer(self->m_ws)
              .async_connect(r, [self](const error_code& error, const tcp::endpoint&) {
                if (error) {
                  return self->fail(error.message());
                }
                self->secure_then_handshake();
              });
        });
  }

  void send(std::string data, bool binary) override {
    if (m_closed) {
      return;
    }
    m_queue.push_back({std::move(data), binary});
    if (m_queue.size() == 1) {
      write_next();
    }
  }

  void close(int code, std::string reason) override {
    if (m_closed || m_closing) {
      return;
    }
    m_closing = true;
    if (!m_open) {
      // Still connecting: give up on it; the close event says so.
      beast::get_lowest_layer(m_ws).close();
      return;
    }
    // 1005 ("no status") is what a close() without a code sends: a close frame with none.
    m_close_reason =
        code == 1005 ? websocket::close_reason()
                     : websocket::close_reason(static_cast<websocket::close_code>(code), reason);
    if (m_queue.empty()) {
      send_close();
    }
  }

 private:
  void secure_then_handshake() {
    if constexpr (std::is_same_v<Stream, beast::tcp_stream>) {
      handshake();
    } else {
      auto& tls = m_ws.next_layer();
      SSL_set_tlsext_host_name(tls.native_handle(), m_target.host.c_str());
      tls.set_verify_callback(asio::ssl::host_name_verification(m_target.host));
      tls.async_handshake(
          asio::ssl::stream_base::client, [self = this->shared_from_this()](const error_code& ec) {
            if (ec) {
              auto* ssl = self->m_ws.next_layer().native_handle();
              return self->fail(ec.category() == asio::error::get_ssl_category() &&
                                        certificate_refused(ec.value())
                                    ? "invalid peer certificate: " + certificate_error(ssl)
                                    : ec.message());
            }
            self->handshake();
          });
    }
  }

  void handshake() {
    beast::get_lowest_layer(m_ws).expires_never();
    m_ws.set_option(websocket::stream_base::timeout::suggested(beast::role_type::client));
    std::string offered;
    for (const auto& protocol : m_target.protocols) {
      offered += (offered.empty() ? "" : ", ") + protocol;
    }
    m_ws.set_option(websocket::stream_base::decorator([offered](websocket::request_type& req) {
      req.set(beast::http::field::user_agent, "sbfn");
      if (!offered.empty()) {
        req.set(beast::http::field::sec_websocket_protocol, offered);
      }
    }));
    auto host = m_target.host + ":" + m_target.port;
    m_ws.async_handshake(m_response, host, m_target.resource,
                         [self = this->shared_from_this()](const error_code& ec) {
                           if (ec) {
                             return self->fail(ec.message());
                           }
                           self->opened();
                         });
  }

  void opened() {
    std::string chosen(m_response[beast::http::field::sec_websocket_protocol]);
    if (!chosen.empty() && std::find(m_target.protocols.begin(), m_target.protocols.end(),
                                     chosen) == m_target.protocols.end()) {
      return fail("the server chose a protocol that was not offered");
    }
    m_open = true;
    m_on_event("open", chosen, false, 0);
    read_next();
    if (m_closing) {
      send_close();
    }
  }

  void read_next() {
    m_ws.async_read(m_buffer, [self = this->shared_from_this()](const error_code& ec, std::size_t) {
      if (ec) {
        return self->ended(ec);
      }
      auto data = beast::buffers_to_string(self->m_buffer.data());
      self->m_buffer.consume(self->m_buffer.size());
      self->m_on_event("message", std::move(data), !self->m_ws.got_text(), 0);
      self->read_next();
    });
  }

  void write_next() {
    if (m_queue.empty()) {
      if (m_closing) {
        send_close();
      }
      return;
    }
    if (!m_open) {
      return;  // opened() starts the queue
    }
    m_ws.binary(m_queue.front().binary);
    m_ws.async_write(asio::buffer(m_queue.front().data),
                     [self = this->shared_from_this()](const error_code& ec, std::size_t) {
                       if (ec) {
                         return;  // the read side reports the end
                       }
                       self->m_queue.pop_front();
                       self->write_next();
                     });
  }

  void send_close() {
    if (m_close_sent || !m_open) {
      return;
    }
    m_close_sent = true;
    // The pending read ends (cancelled) while the close handshake runs; its end is told
    // here, with what the server's close frame said.
    m_ws.async_close(m_close_reason, [self = this->shared_from_this()](const error_code& ec) {
      if (ec && !self->close_frame_received()) {
        return self->finish(1006, ec.message());
      }
      self->closed_cleanly();
    });
  }

  void closed_cleanly() {
    auto reason = m_ws.reason();
    int code = reason.code == websocket::close_code::none ? 1005 : reason.code;
    finish(code, std::string(reason.reason.c_str()));
  }

  // Whether the server's close frame (with a code) arrived. A transport error after it —
  // a TLS peer that drops the TCP connection without a close_notify, or resets it on the
  // close_notify Beast sends, as many servers do — does not undo the close handshake:
  // Deno reports a clean close then, and so do we.
  bool close_frame_received() const { return m_ws.reason().code != websocket::close_code::none; }

  void ended(const error_code& ec) {
    if (ec == websocket::error::closed) {
      return closed_cleanly();
    }
    if (m_close_sent && ec == asio::error::operation_aborted) {
      return;  // our close handshake: send_close's handler finishes
    }
    if (close_frame_received()) {
      return closed_cleanly();
    }
    finish(1006, ec.message());
  }

  void fail(const std::string& why) { finish(1006, why); }

  void finish(int code, std::string reason) {
    if (m_closed) {
      return;
    }
    m_closed = true;
    m_queue.clear();
    error_code ignored;
    beast::get_lowest_layer(m_ws).socket().close(ignored);
    m_on_event("close", std::move(reason), false, code);
  }

  struct Outgoing {
    std::string data;
    bool binary;
  };
  tcp::resolver m_resolver;
  websocket::stream<Stream> m_ws;
  WebSocketTarget m_target;
  WebSocketClientEvent m_on_event;
  websocket::response_type m_response;
  beast::flat_buffer m_buffer;
  std::deque<Outgoing> m_queue;
  websocket::close_reason m_close_reason{websocket::close_code::normal};
  bool m_open = false;
  bool m_closing = false;
  bool m_close_sent = false;
  bool m_closed = false;
};

}  // namespace

std::shared_ptr<WebSocketConnection> connect_websocket(asio::io_context& io, WebSocketTarget target,
                                                       WebSocketClientEvent on_event) {
  if (target.secure) {
    auto context = std::make_shared<asio::ssl::context>(asio::ssl::context::tls_client);
    error_code ec;
    context->set_default_verify_paths(ec);
    for (const auto& file : target.ca_files) {
      context->load_verify_file(file, ec);  // as fetch: an unreadable file adds nothing
    }
    context->set_verify_mode(asio::ssl::verify_peer);
    using Tls = beast::ssl_stream<beast::tcp_stream>;
    // The context must outlive the stream: the event callback keeps it.
    auto keep = [context, on_event = std::move(on_event)](const char* kind, std::string data,
                                                          bool binary, int code) {
      on_event(kind, std::move(data), binary, code);
    };
    auto client = std::make_shared<Client<Tls>>(io, std::move(target), std::move(keep),
                                                beast::tcp_stream(io), *context);
    client->start();
    return client;
  }
  auto client =
      std::make_shared<Client<beast::tcp_stream>>(io, std::move(target), std::move(on_event), io);
  client->start();
  return client;
}

}  // namespace runtime
