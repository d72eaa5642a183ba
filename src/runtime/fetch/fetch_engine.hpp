#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <utility>
#include <vector>

namespace boost::asio {
class io_context;
}

// fetch's network half: HTTP(S) transfers on libcurl's multi interface, driven by the
// worker's own event loop (no thread per request, nothing blocks). One engine per worker.
// Redirects, bodies and the Fetch spec's rules are JavaScript's (js/web/fetch.js): the
// engine does one request at a time per transfer and reports what happened as events.
namespace runtime::fetch {

// One HTTP request as the wire sees it.
struct FetchRequest {
  std::string method;
  std::string url;
  std::vector<std::pair<std::string, std::string>> headers;
  // The whole body when it is known up front (`has_body`); otherwise, with `streamed_body`,
  // the body comes piece by piece through FetchEngine::write_body.
  bool has_body = false;
  std::string body;
  bool streamed_body = false;
  // Extra trusted roots (PEM), added to the system store; files are read here.
  std::string ca_pem;
  std::vector<std::string> ca_files;
  // The proxy URL to use, or empty for a direct connection.
  std::string proxy;
  // Let curl decode gzip/deflate/br (false when the caller set Accept-Encoding itself).
  bool decode = true;
  // Check the server's certificate (false only for node:https's rejectUnauthorized: false).
  bool verify_peer = true;
};

// What a transfer reports, in order: `head` once, `data` any number of times, then `end`
// or `error` (which may also come first). `need_body` asks for the next streamed request
// body piece (answered by write_body).
struct FetchEvent {
  enum class Kind { head, data, end, error, need_body };
  std::uint32_t id = 0;
  Kind kind = Kind::end;
  int status = 0;
  std::string status_text;
  std::vector<std::pair<std::string, std::string>> headers;  // head
  std::string data;                                          // data; error: the message
  // error: true when the failure came before any response (a connect, TLS or DNS error),
  // whose message Deno words differently from a failure half-way through a body.
  bool before_response = false;
};

class FetchEngine {
 public:
  // Events are handed to `deliver` from the loop, never from inside a libcurl callback,
  // so it may call back into the engine (pause, abort, write_body).
  using Deliver = void (*)(void* context, FetchEvent& event);
  FetchEngine(boost::asio::io_context& io, Deliver deliver, void* context);
  ~FetchEngine();
  FetchEngine(const FetchEngine&) = delete;
  FetchEngine& operator=(const FetchEngine&) = delete;

  // Starts a transfer; its events carry the returned id.
  std::uint32_t start(FetchRequest request);
  // The next piece of a streamed request body; `end` closes it.
  void write_body(std::uint32_t id, std::string chunk, bool end);
  // Back-pressure: stop reading the response until resumed.
  void pause(std::uint32_t id, bool paused);
  // Ends the transfer now; no more events for it.
  void abort(std::uint32_t id);
  std::size_t active() const;

 private:
  struct Impl;
  std::shared_ptr<Impl> m_impl;
};

}  // namespace runtime::fetch
