#include "runtime/server/session.hpp"

#include "runtime/server/jwt.hpp"
#include "runtime/server/responses.hpp"
#include "runtime/server/router.hpp"
#include "runtime/server/server_state.hpp"

#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/websocket.hpp>
#include <unistd.h>

#include <chrono>
#include <deque>
#include <optional>

namespace server {
namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
namespace websocket = beast::websocket;

constexpr std::size_t k_header_limit = 16 * 1024;
constexpr auto k_read_timeout = std::chrono::seconds(75);
// Bodies up to this size (with a Content-Length) are read whole before dispatch.
constexpr std::size_t k_whole_body_limit = 1 << 20;

bool has_crlf(std::string_view text) {
  return text.find_first_of("\r\n") != std::string_view::npos;
}

bool bodyless(int status) {
  return status == 204 || status == 304 || (status >= 100 && status < 200);
}

// Response fields the server writes itself, whatever the function says.
bool managed_field(std::string_view name) {
  return beast::iequals(name, "content-length") || beast::iequals(name, "transfer-encoding") ||
         beast::iequals(name, "connection") || beast::iequals(name, "keep-alive");
}

std::string http_date() {
  thread_local std::time_t cached_second = 0;
  thread_local char cached[40];
  auto now = std::time(nullptr);
  if (now != cached_second) {
    std::tm utc{};
    gmtime_r(&now, &utc);
    std::strftime(cached, sizeof cached, "%a, %d %b %Y %H:%M:%S GMT", &utc);
    cached_second = now;
  }
  return cached;
}

// A connection after a function accepted its WebSocket upgrade. Lives on the
// connection's strand; the worker reaches it through WsChannel.
class WsSession : public std::enable_shared_from_this<WsSession> {
 public:
  WsSession(beast::tcp_stream stream, std::shared_ptr<runtime::WebSocketPeer> peer)
      : m_ws(std::move(stream)), m_peer(std::move(peer)) {}

  void start(const http::request<http::string_body>& request, const std::string& protocol) {
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

  void send(std::string data, bool binary) {
    if (m_closing) {
      return;
    }
    m_out.emplace_back(std::move(data), binary);
    if (!m_writing) {
      write_next();
    }
  }

  void close(int code, std::string reason) {
    if (m_closing) {
      return;
    }
    m_closing = true;
    m_close_reason = websocket::close_reason(static_cast<websocket::close_code>(code), reason);
    if (!m_writing) {
      write_next();
    }
  }

 private:
  void read() {
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

  // Writes one queued message at a time (Beast allows one write in flight); the close
  // frame goes after every message queued before it.
  void write_next() {
    if (m_out.empty()) {
      m_writing = false;
      if (m_closing && !m_close_sent && !m_closed) {
        m_close_sent = true;
        m_writing = true;
        m_ws.async_close(m_close_reason, [self = shared_from_this()](beast::error_code) {
          self->m_writing = false;
        });
      }
      return;
    }
    m_writing = true;
    m_ws.text(!m_out.front().second);
    m_ws.async_write(asio::buffer(m_out.front().first),
                     [self = shared_from_this()](beast::error_code error, std::size_t) {
                       self->m_out.pop_front();
                       if (error) {
                         self->m_out.clear();
                         self->m_writing = false;
                         return;
                       }
                       self->write_next();
                     });
  }

  void closed(int code, std::string reason) {
    if (m_closed) {
      return;
    }
    m_closed = true;
    m_peer->on_close(code, std::move(reason));
  }

  websocket::stream<beast::tcp_stream> m_ws;
  std::shared_ptr<runtime::WebSocketPeer> m_peer;
  beast::flat_buffer m_buffer;
  std::deque<std::pair<std::string, bool>> m_out;
  bool m_writing = false;
  bool m_closing = false;
  bool m_close_sent = false;
  bool m_closed = false;
  websocket::close_reason m_close_reason;
};

class Session;

// Carries a function's response from the worker's thread onto the connection's strand.
class SessionSink : public runtime::ResponseSink {
 public:
  SessionSink(std::shared_ptr<Session> session, std::uint64_t request)
      : m_session(std::move(session)), m_request(request) {}
  ~SessionSink() override;
  void start(int status, runtime::HttpHeaders headers, std::string body, bool streaming) override;
  bool write(std::string chunk) override;
  void client_gone() { m_gone = true; }
  void end() override;
  void fail(runtime::Failure failure) override;
  std::shared_ptr<runtime::WebSocketConnection> upgrade(
      std::string protocol, std::shared_ptr<runtime::WebSocketPeer> peer) override;

 private:
  std::shared_ptr<Session> m_session;
  std::uint64_t m_request;  // which of the session's requests this sink answers
  std::atomic<bool> m_started{false};
  std::atomic<bool> m_gone{false};  // the client went away while the body streamed
  std::atomic<bool> m_finished{false};
};

// A streamed request body as the worker sees it: each pull hops onto the strand.
class BodySource : public runtime::RequestBodySource {
 public:
  explicit BodySource(std::shared_ptr<Session> session) : m_session(std::move(session)) {}
  void pull(Deliver deliver) override;

 private:
  std::shared_ptr<Session> m_session;
};

class Session : public std::enable_shared_from_this<Session>, public runtime::HostedConnection {
 public:
  // `home`: the worker loop the connection was moved to (null on the server's threads).
  Session(asio::ip::tcp::socket socket, ServerState& state,
          std::shared_ptr<asio::io_context> home = nullptr)
      : m_stream(std::move(socket)),
        m_state(state),
        m_idle(m_stream.get_executor()),
        m_home(std::move(home)) {}

  // The worker this connection lives on is ending. A connection waiting for its next
  // request goes back to the server's threads at once; one with a request open goes
  // back once it has answered (read() does it). Clients never see the difference.
  void worker_ending() override {
    m_home_ending = true;
    if (m_reading) {
      m_going_home = true;
      beast::error_code ignored;
      m_stream.socket().cancel(ignored);  // on_header then sees operation_aborted
    }
  }

  // Moves the connection off a worker's loop onto the server's own threads.
  void go_home() {
    if (m_state.draining || m_state.io == nullptr) {
      close();
      return;
    }
    beast::error_code error;
    auto protocol = m_stream.socket().local_endpoint(error).protocol();
    auto fd = error ? -1 : m_stream.socket().release(error);
    if (error) {
      close();
      return;
    }
    auto next =
        std::make_shared<Session>(asio::ip::tcp::socket(asio::make_strand(*m_state.io)), m_state);
    next->m_stream.socket().assign(protocol, fd, error);
    if (error) {
      ::close(fd);
      return;
    }
    auto pending = m_buffer.data();
    next->m_buffer.commit(asio::buffer_copy(next->m_buffer.prepare(pending.size()), pending));
    asio::post(next->executor(), [next] { next->read(); });
  }

  // Whether `request` is still the one this connection waits on (not timed out).
  bool current(std::uint64_t request) const { return request == m_request && m_waiting; }

  // Each sign of life from the function restarts the request idle timeout.
  void arm_idle_timer() {
    m_idle.expires_after(std::chrono::milliseconds(m_state.request_idle_timeout_ms));
    m_idle.async_wait([self = shared_from_this(), request = m_request](beast::error_code error) {
      if (!error && self->current(request)) {
        self->on_idle_timeout();
      }
    });
  }

  void read() {
    if (m_state.draining) {
      close();
      return;
    }
    if (m_home_ending) {
      go_home();
      return;
    }
    m_reading = true;
    m_parser.emplace();
    m_parser->header_limit(k_header_limit);
    m_parser->body_limit(m_state.max_body_bytes);
    m_stream.expires_after(k_read_timeout);
    http::async_read_header(m_stream, m_buffer, *m_parser,
                            [self = shared_from_this()](beast::error_code error, std::size_t) {
                              self->on_header(error);
                            });
  }

  // The next piece of a streamed request body, for the function (see BodySource).
  void pull_body(runtime::RequestBodySource::Deliver deliver) {
    auto& parser = *m_parser;
    auto& body = parser.get().body();
    if (!body.empty()) {
      auto chunk = std::move(body);
      body.clear();
      deliver(std::move(chunk), false, "");
      return;
    }
    if (parser.is_done()) {
      deliver("", true, "");
      return;
    }
    if (!m_body_error.empty()) {
      deliver("", false, m_body_error);
      return;
    }
    m_stream.expires_after(k_read_timeout);
    http::async_read_some(m_stream, m_buffer, parser,
                          [self = shared_from_this(), deliver = std::move(deliver)](
                              beast::error_code error, std::size_t) mutable {
                            self->m_stream.expires_never();
                            if (error) {
                              self->body_failed(error);
                            }
                            self->pull_body(std::move(deliver));
                          });
  }

  asio::any_io_executor executor() { return m_stream.get_executor(); }

  // The function accepted the upgrade: the connection stops being HTTP.
  void start_websocket(std::string protocol, std::shared_ptr<runtime::WebSocketPeer> peer) {
    if (!m_upgrade_request) {
      peer->on_close(1006, "");
      fail_response(runtime::Failure::worker_error, false);
      return;
    }
    m_status = 101;
    m_keep_alive = false;
    m_waiting = false;
    m_idle.cancel();
    auto elapsed =
        std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - m_started);
    m_state.log.request(m_slug, m_method, m_path, 101, elapsed.count());
    if (m_counted) {
      --m_state.active_requests;
      m_counted = false;
    }
    m_ws = std::make_shared<WsSession>(std::move(m_stream), std::move(peer));
    m_ws->start(*m_upgrade_request, protocol);
    m_upgrade_request.reset();
  }

  std::shared_ptr<WsSession> websocket_session() const { return m_ws; }

  // --- the response, always on the connection's strand ---------------------------

  void start_response(int status, runtime::HttpHeaders headers, std::string body, bool streaming) {
    m_status = status;
    bool no_body = bodyless(status) || m_head_request;
    std::string out;
    out.reserve(256 + (streaming ? 0 : body.size()));
    out += "HTTP/1.1 ";
    out += std::to_string(status);
    out += ' ';
    out += http::obsolete_reason(static_cast<http::status>(status));
    out += "\r\n";
    bool has_date = false;
    for (const auto& [name, value] : headers) {
      if (managed_field(name) || has_crlf(name) || has_crlf(value)) {
        continue;
      }
      has_date = has_date || beast::iequals(name, "date");
      out += name;
      out += ": ";
      out += value;
      out += "\r\n";
    }
    if (!has_date) {
      out += "date: " + http_date() + "\r\n";
    }
    m_chunked = streaming && !no_body;
    if (m_chunked) {
      out += "transfer-encoding: chunked\r\n";
    } else if (!bodyless(status)) {
      out += "content-length: " + std::to_string(body.size()) + "\r\n";
    }
    if (!m_keep_alive) {
      out += "connection: close\r\n";
    }
    out += "\r\n";
    if (!streaming && !no_body) {
      out += body;
    }
    enqueue(std::move(out));
    if (!streaming) {
      finish_response();
    }
  }

  void write_chunk(std::string chunk) {
    if (!m_chunked || chunk.empty()) {
      return;
    }
    arm_idle_timer();
    char size[20];
    std::snprintf(size, sizeof size, "%zx\r\n", chunk.size());
    enqueue(size + chunk + "\r\n");
  }

  void end_stream() {
    if (m_chunked) {
      enqueue("0\r\n\r\n");
    }
    finish_response();
  }

  // The response failed. Before its head went out, the client gets the failure's
  // status and body; after, all that is left is to cut the connection.
  void fail_response(runtime::Failure failure, bool head_sent) {
    if (head_sent) {
      m_keep_alive = false;
      m_status = m_status ? m_status : 500;
      finish_response();
      return;
    }
    send_canned(failure_response(failure));
  }

 private:
  void on_idle_timeout() {
    m_state.log.event("warn", "request to " + m_slug + " timed out: no response for " +
                                  std::to_string(m_state.request_idle_timeout_ms) + " ms");
    fail_response(runtime::Failure::timeout, m_head_sent);
  }

  // Small bodies are read whole before the function runs; chunked or large ones go to
  // the function as they arrive.
  void on_header(beast::error_code error) {
    m_reading = false;
    if (m_going_home && error == asio::error::operation_aborted) {
      go_home();
      return;
    }
    if (error) {
      on_read(error);
      return;
    }
    auto& parser = *m_parser;
    bool stream = !parser.is_done() &&
                  (parser.chunked() || parser.content_length().value_or(0) > k_whole_body_limit);
    if (!stream) {
      // Usually the body came in the same packet as the head: parse it from the buffer
      // right away rather than through another asynchronous read.
      beast::error_code ec;
      while (!parser.is_done() && m_buffer.size() > 0) {
        auto used = parser.put(m_buffer.data(), ec);
        m_buffer.consume(used);
        if (ec == http::error::need_more) {
          ec = {};
          break;
        }
        if (ec || used == 0) {
          break;
        }
      }
      if (ec || parser.is_done()) {
        on_read(ec);
        return;
      }
      http::async_read(m_stream, m_buffer, parser,
                       [self = shared_from_this()](beast::error_code error, std::size_t) {
                         self->on_read(error);
                       });
      return;
    }
    m_stream.expires_never();
    m_body_error.clear();
    handle(parser.get(), std::make_shared<BodySource>(shared_from_this()));
  }

  void body_failed(beast::error_code error) {
    m_keep_alive = false;
    m_body_error = error == http::error::body_limit
                       ? "the request body is larger than the server accepts"
                       : "the request body could not be read: " + error.message();
    // The function has not answered yet: the client gets what it would have got for
    // a body read whole (413 over the limit, 400 for broken framing).
    if (m_waiting && !m_head_sent) {
      m_waiting = false;
      m_idle.cancel();
      if (error == http::error::body_limit) {
        send_canned({413, "text/plain;charset=UTF-8", "Payload Too Large"});
      } else {
        send_canned({400, "text/plain;charset=UTF-8", "Bad Request"});
      }
    }
  }

  void on_read(beast::error_code error) {
    if (error == http::error::end_of_stream || error == beast::error::timeout ||
        error == asio::error::connection_reset || error == asio::error::eof) {
      close();
      return;
    }
    if (error) {
      // Nothing sensible can follow a request we could not parse: answer, then close.
      m_keep_alive = false;
      m_started = std::chrono::steady_clock::now();
      if (error == http::error::header_limit) {
        send_canned({431, "text/plain;charset=UTF-8", "Request Header Fields Too Large"});
      } else if (error == http::error::body_limit) {
        send_canned({413, "text/plain;charset=UTF-8", "Payload Too Large"});
      } else {
        send_canned({400, "text/plain;charset=UTF-8", "Bad Request"});
      }
      return;
    }
    m_stream.expires_never();
    if (!m_home) {
      if (auto worker = hand_off_target(m_parser->get())) {
        if (worker->accepting() && hand_over(worker)) {
          return;
        }
        m_handed_to = worker.get();  // not hosting us (say its boot failed), it still answers
      }
    }
    handle(m_parser->get(), nullptr);
  }

  // The worker whose thread should run this connection from now on: a request for a
  // per_worker function (not a WebSocket upgrade) moves the connection to that worker's
  // loop, so this and later requests to it cross no thread at all.
  std::shared_ptr<runtime::Worker> hand_off_target(
      const http::request<http::string_body>& message) {
    auto where = route(message.target());
    if (where.kind != Route::Kind::function || websocket::is_upgrade(message) || m_state.draining) {
      return nullptr;
    }
    return m_state.functions.worker_for(where.slug);
  }

  bool hand_over(const std::shared_ptr<runtime::Worker>& worker) {
    auto home = worker->io_context();
    auto next = std::make_shared<Session>(asio::ip::tcp::socket(*home), m_state, home);
    if (!worker->host(next)) {
      return false;
    }
    beast::error_code error;
    auto protocol = m_stream.socket().local_endpoint(error).protocol();
    auto fd = error ? -1 : m_stream.socket().release(error);
    if (error) {
      return false;
    }
    next->m_stream.socket().assign(protocol, fd, error);
    if (error) {
      ::close(fd);
      return true;  // the connection is lost either way
    }
    // Bytes of pipelined requests already read travel along, as does the parsed request.
    auto pending = m_buffer.data();
    next->m_buffer.commit(asio::buffer_copy(next->m_buffer.prepare(pending.size()), pending));
    next->m_handed.emplace(m_parser->release());
    next->m_handed_to = worker.get();
    next->m_remote_address = m_remote_address;
    next->m_remote_port = m_remote_port;
    asio::post(*home, [next] { next->handle(*next->m_handed, nullptr); });
    return true;
  }

  // `message` stays in the parser; with `body_source` its body is still arriving.
  void handle(http::request<http::string_body>& message,
              std::shared_ptr<runtime::RequestBodySource> body_source) {
    m_started = std::chrono::steady_clock::now();
    m_keep_alive = message.keep_alive() && !m_state.draining;
    m_head_request = message.method() == http::verb::head;
    m_method = std::string(message.method_string());
    m_path = std::string(message.target());
    ++m_state.active_requests;
    m_counted = true;
    auto where = route(message.target());
    m_slug = where.slug;
    if (where.kind == Route::Kind::health) {
      send_canned(health_response());
      return;
    }
    if (where.kind == Route::Kind::not_found) {
      send_canned(not_found_response());
      return;
    }
    auto spec = m_state.functions.find(where.slug);
    if (spec == nullptr) {
      send_canned(not_found_response());
      return;
    }
    if (spec->config.verify_jwt && m_state.jwt != nullptr &&
        message.method() != http::verb::options) {
      auto field = message.find(http::field::authorization);
      std::optional<std::string_view> header;
      if (field != message.end()) {
        header = field->value();
      }
      auto outcome = m_state.jwt->check_authorization(header, std::time(nullptr));
      if (outcome.status != 0) {
        send_canned({outcome.status, "application/json", outcome.body});
        return;
      }
    }
    runtime::HttpRequest request;
    request.method = m_method;
    if (m_remote_address.empty()) {  // once per connection: getpeername is a system call
      beast::error_code peer_error;
      auto peer = m_stream.socket().remote_endpoint(peer_error);
      if (!peer_error) {
        m_remote_address = peer.address().to_string();
        m_remote_port = peer.port();
      }
    }
    request.remote_address = m_remote_address;
    request.remote_port = m_remote_port;
    auto host = message[http::field::host];
    request.url =
        "http://" + std::string(host.empty() ? "localhost" : host) + where.function_target;
    request.headers.reserve(std::distance(message.begin(), message.end()));
    for (const auto& field : message) {
      request.headers.emplace_back(std::string(field.name_string()), std::string(field.value()));
    }
    if (websocket::is_upgrade(message)) {
      m_upgrade_request = message;
    } else {
      m_upgrade_request.reset();
    }
    if (body_source) {
      request.body_source = std::move(body_source);
    } else {
      request.body = std::move(message.body());
    }
    ++m_request;
    m_waiting = true;
    arm_idle_timer();
    auto sink = std::make_shared<SessionSink>(shared_from_this(), m_request);
    m_sink = sink;
    m_state.functions.dispatch(where.slug, std::move(request), std::move(sink),
                               std::exchange(m_handed_to, nullptr));
  }

  void send_canned(const CannedResponse& response) {
    start_response(response.status, {{"content-type", response.content_type}}, response.body,
                   false);
  }

  void finish_response() {
    m_response_done = true;
    m_waiting = false;
    m_idle.cancel();
    auto elapsed =
        std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - m_started);
    m_state.log.request(m_slug, m_method, m_path, m_status, elapsed.count());
    if (m_counted) {
      --m_state.active_requests;
      m_counted = false;
    }
    if (!m_writing) {
      after_response();
    }
  }

  void enqueue(std::string data) {
    m_out.push_back(std::move(data));
    if (!m_writing) {
      write_next();
    }
  }

  void write_next() {
    if (m_out.empty()) {
      m_writing = false;
      if (m_response_done) {
        after_response();
      }
      return;
    }
    m_writing = true;
    asio::async_write(m_stream, asio::buffer(m_out.front()),
                      [self = shared_from_this()](beast::error_code error, std::size_t) {
                        self->m_out.pop_front();
                        if (error) {
                          self->m_out.clear();
                          self->m_writing = false;
                          if (auto sink = self->m_sink.lock()) {
                            sink->client_gone();  // a streaming function can stop producing
                          }
                          self->close();
                          return;
                        }
                        self->write_next();
                      });
  }

  void after_response() {
    m_response_done = false;
    m_head_sent = false;
    m_status = 0;
    if (m_keep_alive && !m_state.draining) {
      read();
    } else {
      close();
    }
  }

  void close() {
    beast::error_code ignored;
    m_stream.socket().shutdown(asio::ip::tcp::socket::shutdown_send, ignored);
    m_stream.close();
  }

  beast::tcp_stream m_stream;
  beast::flat_buffer m_buffer;
  std::optional<http::request_parser<http::string_body>> m_parser;
  ServerState& m_state;
  std::deque<std::string> m_out;
  bool m_writing = false;
  bool m_response_done = false;
  bool m_keep_alive = true;
  bool m_head_request = false;
  bool m_chunked = false;
  bool m_counted = false;
  bool m_head_sent = false;
  bool m_waiting = false;  // a function owes this connection a response
  std::uint64_t m_request = 0;
  asio::steady_timer m_idle;
  std::optional<http::request<http::string_body>> m_upgrade_request;
  std::string m_body_error;  // why a streamed body stopped, for the function's next pull
  std::shared_ptr<asio::io_context> m_home;
  bool m_home_ending = false;
  bool m_going_home = false;  // the pending read was cancelled to move the connection
  bool m_reading = false;     // waiting for the next request's head
  std::optional<http::request<http::string_body>> m_handed;  // the request that came along
  // The worker booted for the request at hand (compared, never used): it answers it even
  // if it was retired or failed while booting, so a top level runs once per request.
  const runtime::Worker* m_handed_to = nullptr;
  std::shared_ptr<WsSession> m_ws;
  std::weak_ptr<SessionSink> m_sink;  // the open request's sink
  std::string m_remote_address;
  unsigned m_remote_port = 0;
  int m_status = 0;
  std::string m_slug;
  std::string m_method;
  std::string m_path;
  std::chrono::steady_clock::time_point m_started;
};

SessionSink::~SessionSink() {
  // A worker that vanished without answering (terminated mid-request) still owes the
  // client a response.
  if (!m_finished.exchange(true)) {
    bool head_sent = m_started.load();
    asio::post(m_session->executor(), [session = m_session, head_sent, request = m_request] {
      if (session->current(request)) {
        session->fail_response(runtime::Failure::worker_error, head_sent);
      }
    });
  }
}

void SessionSink::start(int status, runtime::HttpHeaders headers, std::string body,
                        bool streaming) {
  if (m_finished || m_started.exchange(true)) {
    return;
  }
  if (!streaming) {
    m_finished = true;
  }
  asio::post(m_session->executor(), [session = m_session, status, headers = std::move(headers),
                                     body = std::move(body), streaming]() mutable {
    session->start_response(status, std::move(headers), std::move(body), streaming);
  });
}

bool SessionSink::write(std::string chunk) {
  if (m_finished || m_gone) {
    return !m_gone;
  }
  asio::post(m_session->executor(),
             [session = m_session, request = m_request, chunk = std::move(chunk)]() mutable {
               if (session->current(request)) {
                 session->write_chunk(std::move(chunk));
               }
             });
  return true;
}

void SessionSink::end() {
  if (m_finished.exchange(true)) {
    return;
  }
  asio::post(m_session->executor(), [session = m_session, request = m_request] {
    if (session->current(request)) {
      session->end_stream();
    }
  });
}

void SessionSink::fail(runtime::Failure failure) {
  if (m_finished.exchange(true)) {
    return;
  }
  bool head_sent = m_started.load();
  asio::post(m_session->executor(), [session = m_session, request = m_request, failure, head_sent] {
    if (session->current(request)) {
      session->fail_response(failure, head_sent);
    }
  });
}

void BodySource::pull(Deliver deliver) {
  asio::post(m_session->executor(), [session = m_session, deliver = std::move(deliver)]() mutable {
    session->pull_body(std::move(deliver));
  });
}

// What the worker holds of an accepted WebSocket: every call hops onto the strand.
class WsChannel : public runtime::WebSocketConnection {
 public:
  explicit WsChannel(std::shared_ptr<Session> session) : m_session(std::move(session)) {}
  void send(std::string data, bool binary) override {
    asio::post(m_session->executor(),
               [session = m_session, data = std::move(data), binary]() mutable {
                 if (auto ws = session->websocket_session()) {
                   ws->send(std::move(data), binary);
                 }
               });
  }
  void close(int code, std::string reason) override {
    asio::post(m_session->executor(),
               [session = m_session, code, reason = std::move(reason)]() mutable {
                 if (auto ws = session->websocket_session()) {
                   ws->close(code, std::move(reason));
                 }
               });
  }

 private:
  std::shared_ptr<Session> m_session;
};

std::shared_ptr<runtime::WebSocketConnection> SessionSink::upgrade(
    std::string protocol, std::shared_ptr<runtime::WebSocketPeer> peer) {
  if (m_finished.exchange(true)) {
    return nullptr;
  }
  m_started = true;
  asio::post(m_session->executor(), [session = m_session, request = m_request,
                                     protocol = std::move(protocol), peer]() mutable {
    if (session->current(request)) {
      session->start_websocket(std::move(protocol), std::move(peer));
    } else {
      peer->on_close(1006, "");
    }
  });
  return std::make_shared<WsChannel>(m_session);
}

}  // namespace

void start_session(asio::ip::tcp::socket socket, ServerState& state) {
  std::make_shared<Session>(std::move(socket), state)->read();
}

}  // namespace server
