#pragma once

#include "runtime/http.hpp"
#include "runtime/modules/source_map.hpp"
#include "runtime/user_workers.hpp"
#include "runtime/ws_client.hpp"

#include <v8.h>

#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>

namespace runtime {
class ModuleSourceProvider;
class Permissions;
namespace fetch {
class FetchEngine;
}
}  // namespace runtime

namespace runtime::api {

class TmpFs;
class NetSockets;

// What a native op may ask of the worker it runs in: the worker's narrow face, without
// its event loop, thread or V8 callbacks (worker_impl.hpp). Worker thread only.
class OpHost {
 public:
  static OpHost& of(v8::Isolate* isolate);

  virtual void print(int fd, std::string_view text) = 0;
  // reportError() whose "error" event nobody cancelled: as in Deno, the exception is
  // uncaught, so the worker stops running JavaScript now and ends.
  virtual void report_fatal(v8::Local<v8::Value> exception) = 0;

  // Clocks and timers (milliseconds).
  virtual double now_ms() const = 0;
  virtual double time_origin_ms() const = 0;
  virtual void start_timer(double id, double delay_ms) = 0;
  virtual void cancel_timer(double id) = 0;

  // Requests. sink() is null when the id is unknown or already answered.
  virtual std::shared_ptr<ResponseSink> sink(std::uint32_t id) = 0;
  // The headers of open request `id`; null once it is answered.
  virtual const HttpHeaders* request_headers(std::uint32_t id) = 0;
  virtual void finish_request(std::uint32_t id) = 0;  // the response ended (or failed)
  // The next piece of request `id`'s streamed body: a Uint8Array, or null at its end.
  virtual v8::Local<v8::Promise> pull_body(std::uint32_t id) = 0;
  // Settles with true once `sink` has room again, false if its client left.
  virtual v8::Local<v8::Promise> when_drained(const std::shared_ptr<ResponseSink>& sink) = 0;
  // Deno.serve's own socket (WorkerOptions::listen): the listener's id and bound port;
  // nullopt when this worker's requests come from the server. Throws std::system_error.
  virtual std::optional<std::pair<std::uint32_t, std::uint16_t>> listen(const std::string& hostname,
                                                                        std::uint16_t port) = 0;
  virtual void close_listener(std::uint32_t id) = 0;
  // EdgeRuntime.waitUntil promises still pending.
  virtual void set_background_tasks(std::size_t count) = 0;

  // WebSockets: the handler accepted request `request_id`'s upgrade.
  virtual bool accept_socket(std::uint32_t request_id, std::uint32_t socket_id,
                             std::string protocol) = 0;
  virtual std::shared_ptr<WebSocketConnection> socket(std::uint32_t socket_id) = 0;
  // `new WebSocket(url)`: a client connection on the worker's loop, whose events reach
  // JavaScript as the accepted sockets' do.
  virtual void connect_socket(std::uint32_t socket_id, WebSocketTarget target) = 0;

  // What the worker may reach beyond its sandbox's own rules (permission_checks.hpp);
  // null: no further rules.
  virtual const Permissions* permissions() const = 0;
  // A main service's EdgeRuntime.userWorkers (user_workers.hpp); null in other workers.
  virtual std::shared_ptr<UserWorkerHost> user_workers() = 0;
  // EdgeRuntime.userWorkers.create: its outcome comes as a userWorkerEvent hook call
  // ("created" with the key, or "create_failed" with [class, message]) for the id returned.
  virtual std::uint32_t user_worker_create(const std::string& options_json,
                                           std::string artifact) = 0;
  // worker.fetch's transfers (worker_user_workers.cpp): `request` goes to user worker
  // `key` (its body, when `streamed_body`, pulled through user_worker_write); the answer
  // comes back as userWorkerEvent hook calls. Returns the transfer's id, 0 when the host
  // refused it (`outcome` says why).
  virtual std::uint32_t user_worker_fetch(const std::string& key, HttpRequest request,
                                          bool streamed_body,
                                          UserWorkerHost::Dispatched& outcome) = 0;
  // The next piece of the request body (`end`: none follows; `error`: the main service's
  // stream failed), back-pressure on the response body, and the main service's abort.
  virtual void user_worker_write(std::uint32_t id, std::string chunk, bool end, bool error) = 0;
  virtual void user_worker_pause(std::uint32_t id, bool paused) = 0;
  virtual void user_worker_abort(std::uint32_t id) = 0;
  // The main service returned transfer `transfer_id`'s 101 response for its request
  // `request_id`: that request's connection becomes the user worker's WebSocket. False
  // when it could not (the transfer or the request is gone).
  virtual bool user_worker_upgrade(std::uint32_t request_id, std::uint32_t transfer_id) = 0;

  // fetch's transfers (fetch/fetch_engine.hpp), made on first use.
  virtual fetch::FetchEngine& fetch_engine() = 0;

  // Heavy work that must not hold the worker's loop (node:crypto's pbkdf2, scrypt and key
  // generation callbacks): `work` runs on a small process-wide thread pool and must not
  // touch V8; the settle function it returns runs on this worker's thread with the promise
  // offload() returned. Nothing settles once the worker has ended.
  using Settle = std::function<void(v8::Local<v8::Context>, v8::Local<v8::Promise::Resolver>)>;
  virtual v8::Local<v8::Promise> offload(std::function<Settle()> work) = 0;

  // Deno.readFile's files, and what the memory budget still allows.
  virtual ModuleSourceProvider& sources() = 0;
  virtual std::size_t memory_remaining() const = 0;
  // The function's /tmp and the paths it may touch (tmp_fs.hpp).
  virtual TmpFs& tmp_fs() = 0;
  // Outbound TCP/TLS connections and DNS on the worker's loop (net_sockets.hpp).
  virtual NetSockets& net() = 0;
  // Deno.exit: the worker ends (its open requests fail as a crashed function's do); the
  // process goes on.
  virtual void exit_worker(int code) = 0;
  // Line `line` (1-based) of the module at `url` as its source has it (before any
  // transpiling), for error reports; nullopt when the worker has no such module.
  virtual std::optional<std::string> source_line(const std::string& url, int line) = 0;

  // `sbfn test` (test_run.hpp): the runner's events, whether to leave the remaining tests
  // unrun, and the deadline of the running test (`test_id` 0: none any more).
  virtual void test_event(std::string_view json) = 0;
  virtual bool test_should_stop() = 0;
  virtual void test_deadline(double test_id, double ms) = 0;

  // A transpiled module's generated position mapped back to its source.
  virtual std::optional<SourceMap::Position> original_position(const std::string& url, int line,
                                                               int column) const = 0;

 protected:
  ~OpHost() = default;
};

}  // namespace runtime::api
