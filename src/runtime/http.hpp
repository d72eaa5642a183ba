#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <utility>
#include <vector>

namespace runtime {

using HttpHeaders = std::vector<std::pair<std::string, std::string>>;

// How much of a streamed response body may wait for a slow client before the function's
// stream is read further: enough to keep a fast connection busy, small enough that a
// stalled client costs the server next to nothing.
constexpr std::size_t k_response_backlog_limit = 256 * 1024;

// A request body that is still arriving: the worker pulls it piece by piece, so a
// large upload never sits in memory whole and a slow one streams to the function.
class RequestBodySource {
 public:
  virtual ~RequestBodySource() = default;
  // Asks for the next piece. `deliver` runs once, on any thread: with a non-empty
  // chunk, with `done` at the end, or with `error` set when the body cannot be read
  // (client gone, malformed chunking, over the size limit).
  using Deliver = std::function<void(std::string chunk, bool done, std::string error)>;
  virtual void pull(Deliver deliver) = 0;
};

// A request as it crosses from the server's threads to a worker's thread.
struct HttpRequest {
  std::string method;
  std::string url;  // absolute: http://host/<path the function sees>?query
  HttpHeaders headers;
  std::string body;                                // the whole body, when it was small
  std::shared_ptr<RequestBodySource> body_source;  // else: the body, as it arrives
  std::string remote_address;  // the client's IP address, for Deno.serve's info.remoteAddr
  unsigned remote_port = 0;
  // Which of the worker's own listeners (Deno.serve with a port, in a test module) took
  // the request; 0: the server's, for the function's handler.
  std::uint32_t listener = 0;
};

// Why a worker could not produce a response; each maps to one status and body.
enum class Failure {
  boot_error,    // 503 BOOT_ERROR: the module failed to load or registered no handler
  worker_error,  // 500 WORKER_ERROR: the handler threw, or the worker died
  limit,         // 546 WORKER_LIMIT: memory or CPU limit
  timeout,       // 504: the request idle timeout
};

// The server's end of an accepted WebSocket; callable from any thread.
class WebSocketConnection {
 public:
  virtual ~WebSocketConnection() = default;
  virtual void send(std::string data, bool binary) = 0;
  virtual void close(int code, std::string reason) = 0;
};

// The function's end of a WebSocket: told what the client does, from the server's
// threads. on_close comes last, once.
class WebSocketPeer {
 public:
  virtual ~WebSocketPeer() = default;
  virtual void on_open() = 0;
  virtual void on_message(std::string data, bool binary) = 0;
  virtual void on_close(int code, std::string reason) = 0;
};

// Receives one response. Implemented by the server; every method may be called from
// the worker's thread and must hand the work to the connection's own executor.
class ResponseSink {
 public:
  virtual ~ResponseSink() = default;
  // The head, and the whole body unless `streaming`; then write()/end() follow.
  // `reason`: the function's statusText (empty: the standard reason phrase).
  virtual void start(int status, std::string reason, HttpHeaders headers, std::string body,
                     bool streaming) = 0;
  // Returns false once the client has gone: the producer should stop (the server drops
  // what it is still given).
  virtual bool write(std::string chunk) = 0;
  // After write(): whether the body written so far is over k_response_backlog_limit
  // ahead of the client; the producer should then wait for when_drained.
  virtual bool saturated() const { return false; }
  // Calls `ready` once, on any thread: with true when the backlog has fallen to half
  // the limit, with false when the client has gone.
  virtual void when_drained(std::function<void(bool open)> ready) { ready(true); }
  virtual void end() = 0;
  virtual void fail(Failure failure) = 0;
  // Instead of a response: the function accepted the request's WebSocket upgrade. The
  // server completes the handshake, then reports to `peer`; null when the request was
  // no upgrade request.
  virtual std::shared_ptr<WebSocketConnection> upgrade(std::string protocol,
                                                       std::shared_ptr<WebSocketPeer> peer) = 0;
};

// A listening socket a worker opened for Deno.serve({ hostname, port }) where requests do
// not come from `sbfn serve` (a test module serving a stand-in upstream to its own tests).
// Destroying it closes the socket and every connection it accepted.
class Listener {
 public:
  virtual ~Listener() = default;
  virtual std::uint16_t port() const = 0;
  // Takes no new connections; those open finish what they are doing.
  virtual void stop_accepting() = 0;
};

// Where such a listener hands each request it reads; called on the listener's threads.
using RequestHandler = std::function<void(HttpRequest, std::shared_ptr<ResponseSink>)>;

}  // namespace runtime
