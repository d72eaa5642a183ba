#pragma once

// One HTTP connection's classes, shared by session.cpp (the connection: reading, writing,
// keep-alive, timers, moving between loops) and session_sink.cpp (how a worker's thread
// reaches it). Internal to the server: the rest of sbfn knows only start_session().

#include "server/connection_slot.hpp"
#include "server/lazy_timer.hpp"
#include "server/net.hpp"
#include "server/request_parser.hpp"
#include "server/responses.hpp"
#include "server/ws_session.hpp"

#include "runtime/http.hpp"
#include "runtime/runtime.hpp"

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>

#include <atomic>
#include <chrono>
#include <cstdint>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>

namespace server {

class ServerState;
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
  std::function<void(bool)> take_waiter();

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

// One HTTP/1.1 connection, on its strand (the server's threads) or on the loop of the
// worker it was handed to: reads requests, passes them through the Gateway to a function,
// writes what comes back, and keeps the connection alive between requests. Its public
// members are what the sink, the body source and the WebSocket channel call, always on
// the connection's strand.
class Session : public std::enable_shared_from_this<Session>, public runtime::HostedConnection {
 public:
  // `home`: the worker loop the connection was moved to (null on the server's threads).
  Session(asio::ip::tcp::socket socket, ServerState& state, ConnectionSlot slot,
          std::shared_ptr<asio::io_context> home = nullptr)
      : m_stream(std::move(socket)),
        m_read_deadline(m_stream.get_executor()),
        m_state(state),
        m_idle(m_stream.get_executor()),
        m_home(std::move(home)),
        m_slot(std::move(slot)) {}

  // The worker this connection lives on is ending. A connection waiting for its next
  // request goes back to the server's threads at once; one with a request open goes
  // back once it has answered (read() does it). Clients never see the difference.
  void worker_ending() override;
  bool idle() const override { return m_between_requests.load(std::memory_order_relaxed); }

  // Moves the connection off a worker's loop onto the server's own threads.
  void go_home();

  // Whether `request` is still the one this connection waits on (not timed out).
  bool current(std::uint64_t request) const { return request == m_request && m_waiting; }

  // Each sign of life from the function restarts the request idle timeout.
  void arm_idle_timer();
  void on_idle_deadline();
  // The read deadline (keep-alive, then --request-read-timeout) and what passing it does:
  // the read in flight, or the next one, ends with beast::error::timeout.
  void set_read_deadline(std::chrono::milliseconds after);
  void clear_read_deadline();
  void on_read_deadline();
  // async_read_some on the stream, reporting a passed read deadline as a timeout.
  template <class Handler>
  void read_some(asio::mutable_buffer buffer, Handler handler);

  // Waits for the next request. An idle connection may wait the keep-alive timeout for
  // its first bytes; from then on the whole head (and later each body read) must come
  // within the request read timeout, so a client trickling bytes (slowloris) is cut off.
  void read();

  // Parses the head from what is buffered (usually all of it), reading the rest if not.
  void parse_head();

  // The next piece of a streamed request body, for the function (see BodySource).
  void pull_body(std::uint64_t body_id, runtime::RequestBodySource::Deliver deliver);

  asio::any_io_executor executor() { return m_stream.get_executor(); }

  // The function accepted the upgrade: the connection stops being HTTP.
  void start_websocket(std::string protocol, std::shared_ptr<runtime::WebSocketPeer> peer,
                       std::shared_ptr<std::atomic<std::size_t>> queued);

  std::shared_ptr<WsSession> websocket_session() const { return m_ws; }

  // --- the response, always on the connection's strand ---------------------------

  void start_response(int status, std::string_view reason, runtime::HttpHeaders headers,
                      std::string body, bool streaming);
  void write_chunk(std::string chunk);
  void end_stream();

  // The response failed. Before its head went out, the client gets the failure's
  // status and body; after, all that is left is to cut the connection, with a reset so
  // that no client takes the truncated body for a whole one.
  void fail_response(runtime::Failure failure, bool head_sent);

 private:
  void on_idle_timeout();

  // Small bodies are read whole before the function runs; chunked or large ones go to
  // the function as they arrive.
  void on_header(beast::error_code error);

  // A head the RFC forbids acting on: answered at once, and the connection closed, as
  // whatever follows it on the connection cannot be framed.
  void refuse(int status, const RequestHead& head);

  // Asks an `Expect: 100-continue` client for the body, once we are about to read it.
  void send_continue();

  // Reads and drops what is left of a streamed body the function did not read, so that
  // it is never parsed as the next request.
  void drain_body();

  void body_failed(beast::error_code error);
  void on_read(beast::error_code error);

  // A request for the admin API, when the server has one.
  bool is_admin_target(const RequestHead& head) const;
  bool m_for_admin = false;  // the request on_header read is for the admin API
  // The worker whose thread should run this connection from now on: a request for a
  // per_worker function (not a WebSocket upgrade) moves the connection to that worker's
  // loop, so this and later requests to it cross no thread at all.
  std::shared_ptr<runtime::Worker> hand_off_target(const RequestHead& message);

  bool hand_over(const std::shared_ptr<runtime::Worker>& worker);

  // What became of a connection offered to another session.
  enum class Moved {
    kept,   // the socket could not be released: this session still serves it
    lost,   // released, but the other session could not take it: closed
    moved,  // the other session serves it now
  };

  // Moves the connection into `next` (a session on another loop): the socket, the bytes
  // of pipelined requests already read, and its slot under --max-connections.
  Moved move_connection(Session& next);

  // `message` stays in the parser; with `body_source` its body is still arriving.
  void handle(RequestHead& message, std::shared_ptr<runtime::RequestBodySource> body_source);

  // Reads into the buffer and parses the body from it; `then` gets the read's or the
  // parser's error (need_more is no error here).
  template <class Then>
  void read_body_some(Then then);
  // Reads until the parser has the whole (small) body, then on_read.
  void read_body();

  void send_canned(const CannedResponse& response);
  void finish_response();
  // The log line and metrics, taken before the last bytes are queued: a client that has read
  // the whole response must find it counted.
  void account_response();
  void enqueue(std::string data);
  // Writes what is queued, at once where the socket takes it, else asynchronously.
  void write_next();
  void write_rest();  // the front piece's remainder, asynchronously
  // The front piece is out (or failed, which closes): false when the connection is done.
  bool wrote(beast::error_code error);
  void after_response();
  void close();
  void linger();
  std::chrono::milliseconds read_timeout() const;  // --request-read-timeout

  beast::tcp_stream m_stream;  // its own timeouts stay off but while lingering
  // The keep-alive wait, then the head's (and each body read's) --request-read-timeout.
  LazyTimer m_read_deadline;
  bool m_read_timed_out = false;  // the read in flight was cancelled by the deadline
  beast::flat_buffer m_buffer;
  // Reused from one request to the next: its buffers keep their capacity.
  RequestParser m_parser;
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
  std::string m_spare_head;  // a written piece's storage, kept for the next response head
  // Removes the first `written` bytes from `piece` after a partial write.
  static void drop_written(Outgoing& piece, std::size_t written);
  bool m_writing = false;
  bool m_response_done = false;
  bool m_accounted = false;
  bool m_keep_alive = true;
  bool m_head_request = false;
  bool m_chunked = false;
  bool m_close_delimited = false;                // a streamed body to an HTTP/1.0 client
  std::optional<std::uint64_t> m_declared_left;  // of a body with the function's content-length
  std::uint64_t m_declared_sent = 0;
  bool m_declared_overrun = false;
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
  LazyTimer m_idle;  // --request-idle-timeout of the request a function owes
  std::optional<RequestHead> m_upgrade_request;
  std::string m_body_error;  // why a streamed body stopped, for the function's next pull
  std::shared_ptr<asio::io_context> m_home;
  bool m_home_ending = false;
  bool m_going_home = false;  // the pending read was cancelled to move the connection
  bool m_reading = false;     // waiting for the next request's head
  // Waiting for the first byte of the next request; read by other threads (idle()).
  std::atomic<bool> m_between_requests = false;
  bool m_head_deadline = false;         // the rest of the head has its --request-read-timeout
  std::optional<RequestHead> m_handed;  // the request that came along
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

}  // namespace server
