#include "server/session.hpp"

#include "server/gateway.hpp"
#include "server/http_rules.hpp"
#include "server/metrics.hpp"
#include "server/response_head.hpp"
#include "server/router.hpp"
#include "server/server_state.hpp"
#include "server/session_impl.hpp"
#include "server/tls_front.hpp"

#include <boost/asio/post.hpp>
#include <boost/asio/strand.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core/read_size.hpp>
#include <boost/beast/websocket.hpp>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <cstdio>

namespace server {
namespace {

constexpr std::size_t k_header_limit = 16 * 1024;
// How much of a streamed request body one read takes at most.
constexpr std::size_t k_body_read_size = 64 * 1024;
// Bodies up to this size (with a Content-Length) are read whole before dispatch.
constexpr std::size_t k_whole_body_limit = 1 << 20;
// A body the function left unread is read and dropped up to this size so that the
// connection can carry the next request; past it, closing is cheaper.
constexpr std::size_t k_unread_body_limit = 1 << 20;
constexpr auto k_linger_time = std::chrono::seconds(2);
constexpr std::string_view k_continue = "HTTP/1.1 100 Continue\r\n\r\n";

}  // namespace

void Session::worker_ending() {
  m_home_ending = true;
  if (m_reading) {
    m_going_home = true;
    beast::error_code ignored;
    m_stream.socket().cancel(ignored);  // on_header then sees operation_aborted
  }
}

void Session::go_home() {
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

void Session::arm_idle_timer() {
  m_idle.expires_after(std::chrono::milliseconds(m_state.request_idle_timeout_ms), *this,
                       &Session::on_idle_deadline);
}

void Session::on_idle_deadline() {
  if (m_waiting) {  // finish_response clears the deadline: it is the waiting request's
    on_idle_timeout();
  }
}

void Session::set_read_deadline(std::chrono::milliseconds after) {
  m_read_timed_out = false;
  m_read_deadline.expires_after(after, *this, &Session::on_read_deadline);
}

void Session::clear_read_deadline() {
  m_read_timed_out = false;
  m_read_deadline.clear();
}

void Session::on_read_deadline() {
  m_read_timed_out = true;
  beast::error_code ignored;
  m_stream.socket().cancel(ignored);
}

template <class Handler>
void Session::read_some(asio::mutable_buffer buffer, Handler handler) {
  if (m_read_timed_out) {  // passed between two reads of the same deadline
    asio::post(m_stream.get_executor(),
               [handler = std::move(handler)]() mutable { handler(beast::error::timeout, 0); });
    return;
  }
  m_stream.async_read_some(
      buffer, [this, handler = std::move(handler)](beast::error_code error, std::size_t n) mutable {
        // `handler` holds the session: `this` is alive.
        if (error == asio::error::operation_aborted && m_read_timed_out) {
          error = beast::error::timeout;
        }
        handler(error, n);
      });
}

void Session::read() {
  if (m_state.draining) {
    close();
    return;
  }
  if (m_home_ending) {
    go_home();
    return;
  }
  m_reading = true;
  m_head_deadline = false;
  // An admin upload may be larger than any function's request: the function's own limit
  // is applied once the head shows where the request goes (on_header).
  m_parser.reset(k_header_limit, std::max(m_state.max_body_bytes, m_state.admin_body_limit));
  if (m_buffer.size() > 0) {  // pipelined: the next request is already here
    parse_head();
    return;
  }
  set_read_deadline(std::chrono::milliseconds(m_state.keep_alive_timeout_ms));
  m_between_requests.store(true, std::memory_order_relaxed);
  read_some(m_buffer.prepare(beast::read_size(m_buffer, 65536)),
            [self = shared_from_this()](beast::error_code error, std::size_t n) {
              self->m_buffer.commit(n);
              if (error) {  // closing: stays idle()
                self->on_header(error);
                return;
              }
              self->m_between_requests.store(false, std::memory_order_relaxed);
              self->parse_head();
            });
}

void Session::parse_head() {
  beast::error_code error;
  auto pending = m_buffer.data();
  auto used = m_parser.put(
      std::string_view(static_cast<const char*>(pending.data()), pending.size()), error);
  m_buffer.consume(used);
  // The parser keeps the head's raw bytes: they are checked for what it would repair.
  if (!error && m_parser.is_header_done() && has_obs_fold(m_parser.get().raw())) {
    m_reading = false;
    refuse(400, m_parser.get());
    return;
  }
  if (error != http::error::need_more) {
    on_header(error);
    return;
  }
  // One deadline for the rest of the head, however many reads it takes.
  if (!m_head_deadline) {
    m_head_deadline = true;
    set_read_deadline(read_timeout());
  }
  read_some(m_buffer.prepare(beast::read_size(m_buffer, 65536)),
            [self = shared_from_this()](beast::error_code error, std::size_t n) {
              self->m_buffer.commit(n);
              if (error) {
                self->on_header(error);
                return;
              }
              self->parse_head();
            });
}

template <class Then>
void Session::read_body_some(Then then) {
  auto parse = [this](beast::error_code& error) {
    auto pending = m_buffer.data();
    auto used = m_parser.put(
        std::string_view(static_cast<const char*>(pending.data()), pending.size()), error);
    m_buffer.consume(used);
    if (error == http::error::need_more) {
      error = {};
    }
  };
  if (m_buffer.size() > 0) {  // left over from an earlier read: no need to wait
    beast::error_code error;
    parse(error);
    asio::post(m_stream.get_executor(), [then = std::move(then), error]() mutable { then(error); });
    return;
  }
  read_some(m_buffer.prepare(beast::read_size(m_buffer, k_body_read_size)),
            [self = shared_from_this(), parse, then = std::move(then)](beast::error_code error,
                                                                       std::size_t n) mutable {
              self->m_buffer.commit(n);
              if (error == asio::error::eof) {
                error = http::error::partial_message;  // as Beast's reads say it mid-body
              }
              if (!error) {
                parse(error);
              }
              then(error);
            });
}

void Session::read_body() {
  read_body_some([self = shared_from_this()](beast::error_code error) {
    if (error || self->m_parser.is_done()) {
      self->on_read(error);
      return;
    }
    self->read_body();
  });
}

std::chrono::milliseconds Session::read_timeout() const {
  return std::chrono::milliseconds(m_state.request_read_timeout_ms);
}

void Session::pull_body(std::uint64_t body_id, runtime::RequestBodySource::Deliver deliver) {
  // Once the response is out the rest of the body belongs to the connection (drained
  // or cut), not to the function.
  if (body_id != m_body_id || m_body_closed) {
    deliver("", true, "");
    return;
  }
  auto& parser = m_parser;
  auto& body = parser.get().body;
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
  // Beast reads as much as the buffer has room for, and a buffer sized for request heads
  // would stream an upload 512 bytes at a time: one worker round trip per 512 bytes.
  m_buffer.reserve(k_body_read_size);
  set_read_deadline(read_timeout());
  read_body_some([self = shared_from_this(), body_id,
                  deliver = std::move(deliver)](beast::error_code error) mutable {
    self->m_body_reading = false;
    self->clear_read_deadline();
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

void Session::start_websocket(std::string protocol, std::shared_ptr<runtime::WebSocketPeer> peer,
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
  // Beast's websocket stream answers the handshake from a Beast request.
  http::request<http::string_body> upgrade;
  upgrade.method_string(m_upgrade_request->method());
  upgrade.target(m_upgrade_request->target());
  upgrade.version(m_upgrade_request->version());
  for (std::size_t i = 0; i < m_upgrade_request->size(); ++i) {
    upgrade.insert(m_upgrade_request->name(i), m_upgrade_request->value(i));
  }
  m_ws->start(upgrade, protocol);
  m_upgrade_request.reset();
}

void Session::start_response(int status, std::string_view reason, runtime::HttpHeaders headers,
                             std::string body, bool streaming) {
  m_status = status;
  m_head_sent = true;
  ResponseFraming framing{streaming, m_head_request, m_http10, m_keep_alive,
                          streaming ? declared_length(headers) : std::nullopt};
  // A client still waiting for 100 Continue may or may not send its body now: the
  // connection cannot be reused safely. Nor can one whose body ends with it.
  if (close_delimited(status, framing) ||
      (m_expect_continue && !m_continue_sent && !m_parser.is_done())) {
    m_keep_alive = framing.keep_alive = false;
  }
  auto head = write_response_head(status, reason, headers, body, framing, std::move(m_spare_head));
  m_chunked = head.chunked;
  m_close_delimited = head.close_delimited;
  m_declared_left = head.declared_body;
  m_declared_sent = 0;
  m_declared_overrun = false;
  if (!streaming) {
    account_response();
  }
  enqueue(std::move(head.bytes));
  if (!streaming) {
    finish_response();
  }
}

void Session::write_chunk(std::string chunk) {
  if (m_declared_left && chunk.size() > *m_declared_left) {
    // Past the function's own content-length: the rest is not this response's (Deno cuts
    // it off the same way).
    if (!m_declared_overrun) {
      m_declared_overrun = true;
      m_state.log.event("warn", m_slug + ": response body longer than its content-length (" +
                                    std::to_string(*m_declared_left + m_declared_sent) +
                                    "): the rest is dropped");
    }
    if (auto sink = m_sink.lock()) {
      sink->drained(chunk.size() - *m_declared_left);
    }
    chunk.resize(*m_declared_left);
  }
  if (chunk.empty() || !(m_chunked || m_close_delimited || m_declared_left)) {
    if (auto sink = m_sink.lock()) {
      sink->drained(chunk.size());  // dropped (HEAD, 204): not waiting for the client
    }
    return;
  }
  arm_idle_timer();
  if (m_declared_left) {
    *m_declared_left -= chunk.size();
    m_declared_sent += chunk.size();
  }
  if (m_close_delimited || m_declared_left) {
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

void Session::end_stream() {
  account_response();
  if (m_chunked) {
    enqueue("0\r\n\r\n");
  }
  if (m_declared_left && *m_declared_left > 0) {
    // Shorter than its content-length: only closing the connection tells the client.
    m_state.log.event("warn", m_slug + ": response body ended " + std::to_string(*m_declared_left) +
                                  " bytes short of its content-length: connection closed");
    m_keep_alive = false;  // a close after what was sent: a reset could lose those bytes
  }
  finish_response();
}

void Session::fail_response(runtime::Failure failure, bool head_sent) {
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

void Session::on_idle_timeout() {
  m_state.log.event("warn", "request to " + m_slug + " timed out: no response for " +
                                std::to_string(m_state.request_idle_timeout_ms) + " ms");
  fail_response(runtime::Failure::timeout, m_head_sent);
}

void Session::on_header(beast::error_code error) {
  m_reading = false;
  if (m_going_home && error == asio::error::operation_aborted) {
    go_home();
    return;
  }
  if (error) {
    on_read(error);
    return;
  }
  auto& parser = m_parser;
  if (int refusal = refusal_for(parser.get())) {
    refuse(refusal, parser.get());
    return;
  }
  // Routed once here, used again in handle(): only a server with the admin API pays.
  m_for_admin = m_state.admin && is_admin_target(parser.get());
  if (m_state.admin_body_limit > m_state.max_body_bytes && !m_for_admin) {
    if (parser.content_length().value_or(0) > m_state.max_body_bytes) {
      on_read(http::error::body_limit);
      return;
    }
    parser.body_limit(m_state.max_body_bytes);
  }
  m_http10 = parser.get().version() < 11;
  m_expect_continue = false;
  m_continue_sent = false;
  if (!parser.is_done() && !m_http10) {
    auto expect = parser.get().find("expect");
    m_expect_continue = expect && beast::iequals(*expect, "100-continue");
  }
  bool stream = !parser.is_done() &&
                (parser.chunked() || parser.content_length().value_or(0) > k_whole_body_limit);
  if (!stream) {
    // Usually the body came in the same packet as the head: parse it from the buffer
    // right away rather than through another asynchronous read.
    beast::error_code ec;
    while (!parser.is_done() && m_buffer.size() > 0) {
      auto pending = m_buffer.data();
      auto used = parser.put(
          std::string_view(static_cast<const char*>(pending.data()), pending.size()), ec);
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
    set_read_deadline(read_timeout());
    read_body();
    return;
  }
  clear_read_deadline();
  m_body_error.clear();
  m_body_closed = false;
  m_drained = 0;
  handle(parser.get(), std::make_shared<BodySource>(shared_from_this(), ++m_body_id));
}

void Session::refuse(int status, const RequestHead& head) {
  m_keep_alive = false;
  m_linger = true;
  m_head_request = false;
  m_started = std::chrono::steady_clock::now();
  m_slug.clear();
  m_method.assign(head.method());
  m_path.assign(head.target().substr(0, 200));
  const char* text = status == 414   ? "URI Too Long"
                     : status == 501 ? "Not Implemented"
                                     : "Bad Request";
  send_canned({status, "text/plain;charset=UTF-8", text});
}

void Session::send_continue() {
  if (m_expect_continue && !m_continue_sent) {
    m_continue_sent = true;
    enqueue(std::string(k_continue));
  }
}

void Session::drain_body() {
  m_body_closed = true;
  if (m_body_reading) {
    m_drain_pending = true;  // the function's pull in flight finishes first
    return;
  }
  auto& parser = m_parser;
  m_drained += parser.get().body.size();
  parser.get().body.clear();
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
  set_read_deadline(read_timeout());
  read_body_some([self = shared_from_this()](beast::error_code error) {
    self->m_body_reading = false;
    if (error) {
      self->close();
      return;
    }
    self->drain_body();
  });
}

void Session::body_failed(beast::error_code error) {
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

void Session::on_read(beast::error_code error) {
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
    if (error == http::error::header_limit && !m_parser.target_complete()) {
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
  clear_read_deadline();
  if (!m_home && !m_writing) {  // a 100 Continue still being written stays with us
    if (auto worker = hand_off_target(m_parser.get())) {
      if (worker->accepting() && hand_over(worker)) {
        return;
      }
      m_handed_to = worker.get();  // not hosting us (say its boot failed), it still answers
    }
  }
  handle(m_parser.get(), nullptr);
}

bool Session::is_admin_target(const RequestHead& head) const {
  return m_state.admin && route(head.target()).kind == Route::Kind::admin;
}

std::shared_ptr<runtime::Worker> Session::hand_off_target(const RequestHead& message) {
  auto where = route(message.target());
  if (m_state.direct || where.kind != Route::Kind::function || message.websocket_upgrade() ||
      m_state.draining) {
    return nullptr;
  }
  return m_state.functions->worker_for(where.slug);
}

bool Session::hand_over(const std::shared_ptr<runtime::Worker>& worker) {
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
  next->m_handed.emplace(m_parser.release());
  next->m_handed_to = worker.get();
  next->m_remote_address = m_remote_address;
  next->m_remote_port = m_remote_port;
  asio::post(*home, [next] { next->handle(*next->m_handed, nullptr); });
  return true;
}

Session::Moved Session::move_connection(Session& next) {
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

void Session::handle(RequestHead& message,
                     std::shared_ptr<runtime::RequestBodySource> body_source) {
  m_started = std::chrono::steady_clock::now();
  m_keep_alive = message.keep_alive() && !m_state.draining;
  m_http10 = message.version() < 11;
  m_head_request = message.method() == "HEAD";
  // assign() keeps the strings' buffers from one request to the next.
  m_method.assign(message.method());
  m_path.assign(message.target());
  ++m_state.active_requests;
  m_counted = true;
  if (m_remote_address.empty()) {  // once per connection: getpeername is a system call
    beast::error_code peer_error;
    auto peer = m_stream.socket().remote_endpoint(peer_error);
    if (!peer_error) {
      m_remote_address = peer.address().to_string();
      m_remote_port = peer.port();
      if (m_state.proxied) {
        if (auto client = m_state.proxied->find(peer.port())) {
          std::tie(m_remote_address, m_remote_port) = *client;
        }
      }
    }
  }
  Admission admission;
  bool admin = false;
  if (m_state.direct) {
    admission.request = function_request(message, message.target(), m_remote_address, m_remote_port,
                                         std::move(body_source));
  } else if (m_state.metrics_public && message.target() == "/metrics" &&
             message.method() == "GET") {
    m_slug.clear();
    send_canned({200, "text/plain; version=0.0.4; charset=utf-8", m_state.metrics_page()});
    return;
  } else if (std::exchange(m_for_admin, false)) {
    admin = true;
    admission.request = function_request(message, message.target(), m_remote_address, m_remote_port,
                                         std::move(body_source));
  } else {
    Gateway gateway{*m_state.functions, m_state.api_keys, m_state.jwt, m_state.log};
    admission = gateway.admit(message, m_remote_address, m_remote_port, std::move(body_source));
  }
  m_slug = std::move(admission.slug);
  if (admission.answer) {
    send_canned(*admission.answer);
    return;
  }
  if (message.websocket_upgrade()) {
    m_upgrade_request = message;
  } else {
    m_upgrade_request.reset();
  }
  ++m_request;
  m_waiting = true;
  arm_idle_timer();
  auto sink = std::make_shared<SessionSink>(shared_from_this(), m_request);
  m_sink = sink;
  if (m_state.direct) {
    m_state.direct(std::move(admission.request), std::move(sink));
  } else if (admin) {
    m_state.admin(std::move(admission.request), std::move(sink));
  } else {
    m_state.functions->dispatch(m_slug, std::move(admission.request), std::move(sink),
                                std::exchange(m_handed_to, nullptr));
  }
}

void Session::send_canned(const CannedResponse& response) {
  // If the function's response was overtaken (413, a timeout), its producer stops.
  if (auto sink = m_sink.lock()) {
    sink->client_gone();
  }
  start_response(response.status, {}, {{"content-type", response.content_type}}, response.body,
                 false);
}

void Session::account_response() {
  if (std::exchange(m_accounted, true)) {
    return;
  }
  auto elapsed =
      std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - m_started);
  m_state.log.request(m_slug, m_method, m_path, m_status, elapsed.count());
  if (m_state.metrics) {
    m_state.metrics->request(m_slug, m_status, elapsed.count());
  }
}

void Session::finish_response() {
  m_response_done = true;
  m_waiting = false;
  m_idle.clear();
  account_response();
  if (m_counted) {
    --m_state.active_requests;
    m_counted = false;
  }
  if (!m_writing) {
    after_response();
  }
}

void Session::enqueue(std::string data) {
  m_out.push_back({std::move(data), {}, false, 0});
  if (!m_writing) {
    write_next();
  }
}

void Session::write_next() {
  m_writing = true;  // what the loop below sets off (a drained producer) queues behind it
  while (!m_out.empty()) {
    auto& next = m_out.front();
    std::array<asio::const_buffer, 3> pieces{
        asio::buffer(next.head), asio::buffer(next.body),
        asio::buffer(std::string_view(next.crlf ? "\r\n" : ""))};
    // Written at once when the socket takes it all, as it usually does: an asynchronous
    // write costs an operation, a pass through the scheduler and Beast's timer upkeep.
    beast::error_code error;
    std::size_t written = 0;
    auto& socket = m_stream.socket();
    if (!socket.non_blocking()) {
      socket.non_blocking(true, error);
    }
    if (!error) {
      written = socket.write_some(pieces, error);
    }
    if (error == asio::error::would_block) {
      error = {};
    }
    if (!error && written < asio::buffer_size(pieces)) {
      drop_written(next, written);
      write_rest();
      return;
    }
    if (!wrote(error)) {
      return;
    }
  }
  m_writing = false;
  if (m_response_done) {
    after_response();
  }
}

void Session::drop_written(Outgoing& piece, std::size_t written) {
  if (piece.crlf) {  // rare (a partial write): the chunk's CRLF joins its body
    piece.body += "\r\n";
    piece.crlf = false;
  }
  auto from_head = std::min(written, piece.head.size());
  piece.head.erase(0, from_head);
  piece.body.erase(0, written - from_head);
}

void Session::write_rest() {
  auto& next = m_out.front();
  std::array<asio::const_buffer, 2> pieces{asio::buffer(next.head), asio::buffer(next.body)};
  asio::async_write(m_stream, pieces,
                    [self = shared_from_this()](beast::error_code error, std::size_t) {
                      if (self->wrote(error)) {
                        self->write_next();
                      }
                    });
}

bool Session::wrote(beast::error_code error) {
  auto credit = m_out.front().credit;
  // The larger storage is kept for the next response's head (a moved-from string still
  // has its 15 bytes inside).
  if (m_out.front().head.capacity() > m_spare_head.capacity()) {
    m_spare_head = std::move(m_out.front().head);
  }
  m_out.pop_front();
  if (credit > 0) {
    if (auto sink = m_sink.lock()) {
      sink->drained(credit);
    }
    // A function held back by a slow client is not idle.
    if (!error && m_waiting) {
      arm_idle_timer();
    }
  }
  if (error) {
    m_out.clear();
    m_writing = false;
    if (auto sink = m_sink.lock()) {
      sink->client_gone();  // a streaming function can stop producing
    }
    close();
    return false;
  }
  return true;
}

void Session::after_response() {
  m_response_done = false;
  m_accounted = false;
  m_head_sent = false;
  m_status = 0;
  if (!m_keep_alive || m_state.draining) {
    close();
  } else if (!m_parser.is_done()) {
    drain_body();
  } else {
    read();
  }
}

void Session::close() {
  m_read_deadline.cancel();
  m_idle.cancel();
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

void Session::linger() {
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

void start_session(asio::ip::tcp::socket socket, ServerState& state, ConnectionSlot slot) {
  std::make_shared<Session>(std::move(socket), state, std::move(slot))->read();
}

}  // namespace server
