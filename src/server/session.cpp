#include "server/session.hpp"

#include "server/api_keys.hpp"
#include "server/connection_slot.hpp"
#include "server/gateway.hpp"
#include "server/http_rules.hpp"
#include "server/jwt.hpp"
#include "server/net.hpp"
#include "server/response_head.hpp"
#include "server/responses.hpp"
#include "server/router.hpp"
#include "server/server_state.hpp"
#include "server/ws_session.hpp"

#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/core/read_size.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/websocket.hpp>
#include <unistd.h>

#include <array>
#include <chrono>
#include <deque>
#include <mutex>
#include <optional>

namespace server {
namespace {

constexpr std::size_t k_header_limit = 16 * 1024;
// Bodies up to this size (with a Content-Length) are read whole before dispatch.
constexpr std::size_t k_whole_body_limit = 1 << 20;
// A body the function left unread is read and dropped up to this size so that the
// connection can carry the next request; past it, closing is cheaper.
constexpr std::size_t k_unread_body_limit = 1 << 20;
constexpr auto k_linger_time = std::chrono::seconds(2);
constexpr std::string_view k_continue = "HTTP/1.1 100 Continue\r\n\r\n";

class Session;

// Carries a function's response from the worker's thread onto the connection's strand.
// Counts what a streamed body has queued for the client (its backlog), so that the
// function's stream is read only as fast as the client takes the bytes.
class SessionSink : public runtime::ResponseSink {
 public:
  SessionSink(std::shared_ptr<Session> session, std::uint64_t request)
      : m_session(std::move(session)), m_request(request) {}
  ~SessionSink() override;
  void start(int status, std::string reason, runtime::HttpHeaders headers, std::string body,
             bool streaming) override;
  bool write(std::string chunk) override;
  bool saturated() const override { return m_backlog > runtime::k_response_backlog_limit; }
  void when_drained(std::function<void(bool open)> ready) override;
  // `bytes` of the body reached the socket (or were dropped).
  void drained(std::size_t bytes);
  void client_gone();
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
  std::atomic<std::size_t> m_backlog{0};
  std::mutex m_waiter_mutex;
  std::function<void(bool)> m_waiter;  // the producer waiting for the backlog to drain
};

// A streamed request body as the worker sees it: each pull hops onto the strand.
class BodySource : public runtime::RequestBodySource {
 public:
  BodySource(std::shared_ptr<Session> session, std::uint64_t body)
      : m_session(std::move(session)), m_body(body) {}
  void pull(Deliver deliver) override;

 private:
  std::shared_ptr<Session> m_session;
  std::uint64_t m_body;  // which of the session's streamed bodies this is
};

class Session : public std::enable_shared_from_this<Session>, public runtime::HostedConnection {
 public:
  // `home`: the worker loop the connection was moved to (null on the server's threads).
  Session(asio::ip::tcp::socket socket, ServerState& state, ConnectionSlot slot,
          std::shared_ptr<asio::io_context> home = nullptr)
      : m_stream(std::move(socket)),
        m_state(state),
        m_idle(m_stream.get_executor()),
        m_home(std::move(home)),
        m_slot(std::move(slot)) {}

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
    auto next = std::make_shared<Session>(asio::ip::tcp::socket(asio::make_strand(*m_state.io)),
                                          m_state, ConnectionSlot());
    switch (move_connection(*next)) {
      case Moved::kept:
        close();
        return;
      case Moved::lost:
        return;
      case Moved::moved:
        asio::post(next->executor(), [next] { next->read(); });
        return;
    }
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

  // Waits for the next request. An idle connection may wait the keep-alive timeout for
  // its first bytes; from then on the whole head (and later each body read) must come
  // within the request read timeout, so a client trickling bytes (slowloris) is cut off.
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
    if (m_buffer.size() > 0) {  // pipelined: the next request is already here
      parse_head();
      return;
    }
    m_stream.expires_after(std::chrono::milliseconds(m_state.keep_alive_timeout_ms));
    m_stream.async_read_some(m_buffer.prepare(beast::read_size(m_buffer, 65536)),
                             [self = shared_from_this()](beast::error_code error, std::size_t n) {
                               self->m_buffer.commit(n);
                               if (error) {
                                 self->on_header(error);
                                 return;
                               }
                               self->parse_head();
                             });
  }

  // Parses the head from what is buffered (usually all of it), reading the rest if not.
  void parse_head() {
    beast::error_code error;
    auto used = m_parser->put(m_buffer.data(), error);
    m_buffer.consume(used);
    if (error != http::error::need_more) {
      on_header(error);
      return;
    }
    m_stream.expires_after(read_timeout());
    http::async_read_header(m_stream, m_buffer, *m_parser,
                            [self = shared_from_this()](beast::error_code error, std::size_t) {
                              self->on_header(error);
                            });
  }

  std::chrono::milliseconds read_timeout() const {
    return std::chrono::milliseconds(m_state.request_read_timeout_ms);
  }

  // The next piece of a streamed request body, for the function (see BodySource).
  void pull_body(std::uint64_t body_id, runtime::RequestBodySource::Deliver deliver) {
    // Once the response is out the rest of the body belongs to the connection (drained
    // or cut), not to the function.
    if (body_id != m_body_id || m_body_closed) {
      deliver("", true, "");
      return;
    }
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
    send_continue();
    m_body_reading = true;
    m_stream.expires_after(read_timeout());
    http::async_read_some(m_stream, m_buffer, parser,
                          [self = shared_from_this(), body_id, deliver = std::move(deliver)](
                              beast::error_code error, std::size_t) mutable {
                            self->m_body_reading = false;
                            self->m_stream.expires_never();
                            if (error) {
                              self->body_failed(error);
                            }
                            if (self->m_drain_pending) {
                              self->m_drain_pending = false;
                              deliver("", true, "");
                              self->drain_body();
                              return;
                            }
                            self->pull_body(body_id, std::move(deliver));
                          });
  }

  asio::any_io_executor executor() { return m_stream.get_executor(); }

  // The function accepted the upgrade: the connection stops being HTTP.
  void start_websocket(std::string protocol, std::shared_ptr<runtime::WebSocketPeer> peer,
                       std::shared_ptr<std::atomic<std::size_t>> queued) {
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
    m_ws = std::make_shared<WsSession>(std::move(m_stream), std::move(peer), std::move(m_slot),
                                       std::move(queued));
    m_ws->start(*m_upgrade_request, protocol);
    m_upgrade_request.reset();
  }

  std::shared_ptr<WsSession> websocket_session() const { return m_ws; }

  // --- the response, always on the connection's strand ---------------------------

  void start_response(int status, std::string_view reason, runtime::HttpHeaders headers,
                      std::string body, bool streaming) {
    m_status = status;
    m_head_sent = true;
    ResponseFraming framing{streaming, m_head_request, m_http10, m_keep_alive};
    // A client still waiting for 100 Continue may or may not send its body now: the
    // connection cannot be reused safely. Nor can one whose body ends with it.
    if (close_delimited(status, framing) ||
        (m_expect_continue && !m_continue_sent && m_parser && !m_parser->is_done())) {
      m_keep_alive = framing.keep_alive = false;
    }
    auto head = write_response_head(status, reason, headers, body, framing);
    m_chunked = head.chunked;
    m_close_delimited = head.close_delimited;
    enqueue(std::move(head.bytes));
    if (!streaming) {
      finish_response();
    }
  }

  void write_chunk(std::string chunk) {
    if (chunk.empty() || !(m_chunked || m_close_delimited)) {
      if (auto sink = m_sink.lock()) {
        sink->drained(chunk.size());  // dropped (HEAD, 204): not waiting for the client
      }
      return;
    }
    arm_idle_timer();
    if (m_close_delimited) {
      auto credit = chunk.size();
      m_out.push_back({std::move(chunk), {}, false, credit});
      if (!m_writing) {
        write_next();
      }
      return;
    }
    char size[20];
    std::snprintf(size, sizeof size, "%zx\r\n", chunk.size());
    auto credit = chunk.size();
    m_out.push_back({size, std::move(chunk), true, credit});
    if (!m_writing) {
      write_next();
    }
  }

  void end_stream() {
    if (m_chunked) {
      enqueue("0\r\n\r\n");
    }
    finish_response();
  }

  // The response failed. Before its head went out, the client gets the failure's
  // status and body; after, all that is left is to cut the connection, with a reset so
  // that no client takes the truncated body for a whole one.
  void fail_response(runtime::Failure failure, bool head_sent) {
    if (auto sink = m_sink.lock()) {
      sink->client_gone();  // a producer waiting for the client to drain stops
    }
    if (head_sent) {
      m_keep_alive = false;
      m_abort = true;
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
    if (int refusal = refusal_for(parser.get())) {
      refuse(refusal, parser.get());
      return;
    }
    m_http10 = parser.get().version() < 11;
    m_expect_continue = false;
    m_continue_sent = false;
    if (!parser.is_done() && !m_http10) {
      auto expect = parser.get().find(http::field::expect);
      m_expect_continue =
          expect != parser.get().end() && beast::iequals(expect->value(), "100-continue");
    }
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
      send_continue();
      m_stream.expires_after(read_timeout());
      http::async_read(m_stream, m_buffer, parser,
                       [self = shared_from_this()](beast::error_code error, std::size_t) {
                         self->on_read(error);
                       });
      return;
    }
    m_stream.expires_never();
    m_body_error.clear();
    m_body_closed = false;
    m_drained = 0;
    handle(parser.get(), std::make_shared<BodySource>(shared_from_this(), ++m_body_id));
  }

  // A head the RFC forbids acting on: answered at once, and the connection closed, as
  // whatever follows it on the connection cannot be framed.
  void refuse(int status, const http::request_header<>& head) {
    m_keep_alive = false;
    m_linger = true;
    m_head_request = false;
    m_started = std::chrono::steady_clock::now();
    m_slug.clear();
    m_method = std::string(head.method_string());
    m_path = std::string(head.target().substr(0, 200));
    const char* text = status == 414   ? "URI Too Long"
                       : status == 501 ? "Not Implemented"
                                       : "Bad Request";
    send_canned({status, "text/plain;charset=UTF-8", text});
  }

  // Asks an `Expect: 100-continue` client for the body, once we are about to read it.
  void send_continue() {
    if (m_expect_continue && !m_continue_sent) {
      m_continue_sent = true;
      enqueue(std::string(k_continue));
    }
  }

  // Reads and drops what is left of a streamed body the function did not read, so that
  // it is never parsed as the next request.
  void drain_body() {
    m_body_closed = true;
    if (m_body_reading) {
      m_drain_pending = true;  // the function's pull in flight finishes first
      return;
    }
    auto& parser = *m_parser;
    m_drained += parser.get().body().size();
    parser.get().body().clear();
    if (parser.is_done()) {
      read();
      return;
    }
    // A client told to wait for 100 Continue may never send the body at all.
    if (!m_body_error.empty() || m_drained > k_unread_body_limit ||
        (m_expect_continue && !m_continue_sent)) {
      close();
      return;
    }
    m_body_reading = true;
    m_stream.expires_after(read_timeout());
    http::async_read_some(m_stream, m_buffer, parser,
                          [self = shared_from_this()](beast::error_code error, std::size_t) {
                            self->m_body_reading = false;
                            if (error) {
                              self->close();
                              return;
                            }
                            self->drain_body();
                          });
  }

  void body_failed(beast::error_code error) {
    m_keep_alive = false;
    m_linger = true;
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
      m_linger = true;
      m_started = std::chrono::steady_clock::now();
      // The parser fills in the target once the request line is complete: without one,
      // the request line itself outgrew the header limit.
      if (error == http::error::header_limit && m_parser->get().target().empty()) {
        m_slug.clear();
        m_method.clear();
        m_path.clear();
        send_canned({414, "text/plain;charset=UTF-8", "URI Too Long"});
      } else if (error == http::error::header_limit) {
        send_canned({431, "text/plain;charset=UTF-8", "Request Header Fields Too Large"});
      } else if (error == http::error::body_limit) {
        send_canned({413, "text/plain;charset=UTF-8", "Payload Too Large"});
      } else {
        send_canned({400, "text/plain;charset=UTF-8", "Bad Request"});
      }
      return;
    }
    m_stream.expires_never();
    if (!m_home && !m_writing) {  // a 100 Continue still being written stays with us
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
    auto next =
        std::make_shared<Session>(asio::ip::tcp::socket(*home), m_state, ConnectionSlot(), home);
    if (!worker->host(next)) {
      return false;
    }
    switch (move_connection(*next)) {
      case Moved::kept:
        return false;
      case Moved::lost:
        return true;  // the connection is lost either way
      case Moved::moved:
        break;
    }
    // The parsed request travels along too.
    next->m_handed.emplace(m_parser->release());
    next->m_handed_to = worker.get();
    next->m_remote_address = m_remote_address;
    next->m_remote_port = m_remote_port;
    asio::post(*home, [next] { next->handle(*next->m_handed, nullptr); });
    return true;
  }

  // What became of a connection offered to another session.
  enum class Moved {
    kept,   // the socket could not be released: this session still serves it
    lost,   // released, but the other session could not take it: closed
    moved,  // the other session serves it now
  };

  // Moves the connection into `next` (a session on another loop): the socket, the bytes
  // of pipelined requests already read, and its slot under --max-connections.
  Moved move_connection(Session& next) {
    beast::error_code error;
    auto protocol = m_stream.socket().local_endpoint(error).protocol();
    auto fd = error ? -1 : m_stream.socket().release(error);
    if (error) {
      return Moved::kept;
    }
    next.m_stream.socket().assign(protocol, fd, error);
    if (error) {
      ::close(fd);
      return Moved::lost;
    }
    auto pending = m_buffer.data();
    next.m_buffer.commit(asio::buffer_copy(next.m_buffer.prepare(pending.size()), pending));
    next.m_slot = std::move(m_slot);
    return Moved::moved;
  }

  // `message` stays in the parser; with `body_source` its body is still arriving.
  void handle(http::request<http::string_body>& message,
              std::shared_ptr<runtime::RequestBodySource> body_source) {
    m_started = std::chrono::steady_clock::now();
    m_keep_alive = message.keep_alive() && !m_state.draining;
    m_http10 = message.version() < 11;
    m_head_request = message.method() == http::verb::head;
    m_method = std::string(message.method_string());
    m_path = std::string(message.target());
    ++m_state.active_requests;
    m_counted = true;
    if (m_remote_address.empty()) {  // once per connection: getpeername is a system call
      beast::error_code peer_error;
      auto peer = m_stream.socket().remote_endpoint(peer_error);
      if (!peer_error) {
        m_remote_address = peer.address().to_string();
        m_remote_port = peer.port();
      }
    }
    Gateway gateway{m_state.functions, m_state.api_keys, m_state.jwt, m_state.log};
    auto admission =
        gateway.admit(message, m_remote_address, m_remote_port, std::move(body_source));
    m_slug = std::move(admission.slug);
    if (admission.answer) {
      send_canned(*admission.answer);
      return;
    }
    if (websocket::is_upgrade(message)) {
      m_upgrade_request = message;
    } else {
      m_upgrade_request.reset();
    }
    ++m_request;
    m_waiting = true;
    arm_idle_timer();
    auto sink = std::make_shared<SessionSink>(shared_from_this(), m_request);
    m_sink = sink;
    m_state.functions.dispatch(m_slug, std::move(admission.request), std::move(sink),
                               std::exchange(m_handed_to, nullptr));
  }

  void send_canned(const CannedResponse& response) {
    // If the function's response was overtaken (413, a timeout), its producer stops.
    if (auto sink = m_sink.lock()) {
      sink->client_gone();
    }
    start_response(response.status, {}, {{"content-type", response.content_type}}, response.body,
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
    m_out.push_back({std::move(data), {}, false, 0});
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
    auto& next = m_out.front();
    std::array<asio::const_buffer, 3> pieces{
        asio::buffer(next.head), asio::buffer(next.body),
        asio::buffer(std::string_view(next.crlf ? "\r\n" : ""))};
    asio::async_write(m_stream, pieces,
                      [self = shared_from_this()](beast::error_code error, std::size_t) {
                        auto credit = self->m_out.front().credit;
                        self->m_out.pop_front();
                        if (credit > 0) {
                          if (auto sink = self->m_sink.lock()) {
                            sink->drained(credit);
                          }
                          // A function held back by a slow client is not idle.
                          if (!error && self->m_waiting) {
                            self->arm_idle_timer();
                          }
                        }
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
    if (!m_keep_alive || m_state.draining) {
      close();
    } else if (m_parser && !m_parser->is_done()) {
      drain_body();
    } else {
      read();
    }
  }

  void close() {
    beast::error_code ignored;
    if (m_abort) {
      m_stream.socket().set_option(asio::socket_base::linger(true, 0), ignored);
      m_stream.close();
      return;
    }
    m_stream.socket().shutdown(asio::ip::tcp::socket::shutdown_send, ignored);
    if (m_linger) {
      // RFC 9112 section 9.6: closing over request bytes not yet read makes the kernel
      // reset the connection, and the client may lose the answer just sent. Read and
      // drop what still comes for a moment first.
      m_linger = false;
      m_stream.expires_after(k_linger_time);
      linger();
      return;
    }
    m_stream.close();
  }

  void linger() {
    m_stream.async_read_some(m_buffer.prepare(4096),
                             [self = shared_from_this()](beast::error_code error, std::size_t n) {
                               self->m_lingered += n;
                               if (error || self->m_lingered > k_unread_body_limit) {
                                 self->m_stream.close();
                                 return;
                               }
                               self->linger();
                             });
  }

  beast::tcp_stream m_stream;
  beast::flat_buffer m_buffer;
  std::optional<http::request_parser<http::string_body>> m_parser;
  ServerState& m_state;
  // What is queued for the socket: a head, or a piece of body with its framing.
  // `credit`: body bytes the sink counts in its backlog until they are written.
  struct Outgoing {
    std::string head;
    std::string body;
    bool crlf;
    std::size_t credit;
  };
  std::deque<Outgoing> m_out;
  bool m_writing = false;
  bool m_response_done = false;
  bool m_keep_alive = true;
  bool m_head_request = false;
  bool m_chunked = false;
  bool m_close_delimited = false;  // a streamed body to an HTTP/1.0 client
  bool m_http10 = false;
  bool m_abort = false;   // the response broke after its head: reset, do not finish
  bool m_linger = false;  // the client may still be sending: drain a moment before closing
  std::size_t m_lingered = 0;
  bool m_expect_continue = false;
  bool m_continue_sent = false;
  std::uint64_t m_body_id = 0;   // the streamed body the function may pull
  bool m_body_closed = false;    // the response is out: the function's pulls end
  bool m_body_reading = false;   // a read of the streamed body is in flight
  bool m_drain_pending = false;  // drain once that read completes
  std::size_t m_drained = 0;
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
  ConnectionSlot m_slot;
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

void SessionSink::start(int status, std::string reason, runtime::HttpHeaders headers,
                        std::string body, bool streaming) {
  if (m_finished || m_started.exchange(true)) {
    return;
  }
  if (!streaming) {
    m_finished = true;
  }
  asio::post(m_session->executor(), [session = m_session, request = m_request, status,
                                     reason = std::move(reason), headers = std::move(headers),
                                     body = std::move(body), streaming]() mutable {
    // A late answer to a request already given up on (504) must not be
    // written into the connection.
    if (session->current(request)) {
      session->start_response(status, reason, std::move(headers), std::move(body), streaming);
    }
  });
}

bool SessionSink::write(std::string chunk) {
  if (m_finished || m_gone) {
    return !m_gone;
  }
  m_backlog += chunk.size();
  asio::post(m_session->executor(),
             [session = m_session, request = m_request, chunk = std::move(chunk)]() mutable {
               if (session->current(request)) {
                 session->write_chunk(std::move(chunk));
               }
             });
  return true;
}

void SessionSink::when_drained(std::function<void(bool open)> ready) {
  {
    std::lock_guard lock(m_waiter_mutex);
    if (!m_gone && m_backlog > runtime::k_response_backlog_limit / 2) {
      m_waiter = std::move(ready);
      return;
    }
  }
  ready(!m_gone);
}

void SessionSink::drained(std::size_t bytes) {
  if (m_backlog.fetch_sub(bytes) - bytes > runtime::k_response_backlog_limit / 2) {
    return;
  }
  std::function<void(bool)> waiter;
  {
    std::lock_guard lock(m_waiter_mutex);
    waiter = std::move(m_waiter);
    m_waiter = nullptr;
  }
  if (waiter) {
    waiter(true);
  }
}

void SessionSink::client_gone() {
  m_gone = true;
  std::function<void(bool)> waiter;
  {
    std::lock_guard lock(m_waiter_mutex);
    waiter = std::move(m_waiter);
    m_waiter = nullptr;
  }
  if (waiter) {
    waiter(false);
  }
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
  asio::post(m_session->executor(),
             [session = m_session, body = m_body, deliver = std::move(deliver)]() mutable {
               session->pull_body(body, std::move(deliver));
             });
}

// What the worker holds of an accepted WebSocket: every call hops onto the strand.
// The WebSocket API has no way to make send() wait, so a client that falls this far
// behind is closed (1008) rather than buffered for without end. A message into an
// empty queue always goes, whatever its size.
constexpr std::size_t k_websocket_backlog_limit = 4 * runtime::k_response_backlog_limit;

class WsChannel : public runtime::WebSocketConnection {
 public:
  WsChannel(std::shared_ptr<Session> session, std::shared_ptr<std::atomic<std::size_t>> queued)
      : m_session(std::move(session)), m_queued(std::move(queued)) {}
  void send(std::string data, bool binary) override {
    auto queued = m_queued->load();
    if (queued > 0 && queued + data.size() > k_websocket_backlog_limit) {
      if (!m_overflowed.exchange(true)) {
        close(1008, "the client is not reading fast enough");
      }
      return;
    }
    *m_queued += data.size();
    asio::post(m_session->executor(),
               [session = m_session, queued = m_queued, data = std::move(data), binary]() mutable {
                 if (auto ws = session->websocket_session()) {
                   ws->send(std::move(data), binary);
                 } else {
                   *queued -= data.size();
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
  std::shared_ptr<std::atomic<std::size_t>> m_queued;
  std::atomic<bool> m_overflowed{false};
};

std::shared_ptr<runtime::WebSocketConnection> SessionSink::upgrade(
    std::string protocol, std::shared_ptr<runtime::WebSocketPeer> peer) {
  if (m_finished.exchange(true)) {
    return nullptr;
  }
  m_started = true;
  auto queued = std::make_shared<std::atomic<std::size_t>>(0);
  asio::post(m_session->executor(), [session = m_session, request = m_request,
                                     protocol = std::move(protocol), peer, queued]() mutable {
    if (session->current(request)) {
      session->start_websocket(std::move(protocol), std::move(peer), queued);
    } else {
      peer->on_close(1006, "");
    }
  });
  return std::make_shared<WsChannel>(m_session, std::move(queued));
}

}  // namespace

void start_session(asio::ip::tcp::socket socket, ServerState& state, ConnectionSlot slot) {
  std::make_shared<Session>(std::move(socket), state, std::move(slot))->read();
}

}  // namespace server
