#pragma once

// A main service's EdgeRuntime.userWorkers (edge-runtime's contract): what the worker
// running it asks of the server. The server implements it (server/main_service.hpp);
// the runtime only carries the calls (api/user_worker_transfers.hpp).

#include "runtime/http.hpp"

#include <chrono>
#include <cstddef>
#include <functional>
#include <memory>
#include <string>

namespace runtime {

class UserWorkerHost {
 public:
  virtual ~UserWorkerHost() = default;

  // EdgeRuntime.userWorkers.create(options): `options_json` is the options object as
  // JSON, `artifact` the bytes of `maybeEszip` (empty: none). `done` is called once, on
  // any thread, when the worker has booted (or a live one is reused) or could not be.
  struct Created {
    std::string key;          // the worker's handle; empty on failure
    std::string error_class;  // on failure: "InvalidWorkerCreation" or "TypeError"
    std::string message;
  };
  virtual void create(const std::string& options_json, std::string artifact,
                      std::function<void(Created)> done) = 0;

  // worker.fetch: hands `request` to the worker `key`; its answer arrives through `sink`.
  enum class Dispatched { ok, retired, unknown };
  virtual Dispatched dispatch(const std::string& key, HttpRequest request,
                              std::shared_ptr<ResponseSink> sink) = 0;

  // EdgeRuntime.getRuntimeMetrics()'s user-worker counts, as a JSON object's members.
  virtual std::string metrics_json() = 0;

  // EdgeRuntime.userWorkers.tryCleanupIdleWorkers(ms): retires the workers that have had
  // nothing to do for `idle` (no open request, no waitUntil work); how many.
  virtual std::size_t cleanup_idle(std::chrono::milliseconds idle) = 0;
};

}  // namespace runtime
