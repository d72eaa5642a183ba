#pragma once

#include "runtime/http.hpp"
#include "runtime/inspector/inspector.hpp"
#include "runtime/test_run.hpp"
#include "runtime/user_workers.hpp"

namespace boost::asio {
class io_context;
}

#include <atomic>
#include <cstddef>
#include <filesystem>
#include <functional>
#include <future>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace runtime {

class ModuleResolver;
class ModuleSourceProvider;
class Permissions;

// Console output of a worker, one call per line; called on the worker's thread.
using LogFn = std::function<void(int fd, std::string_view line)>;

// What one worker may use. CPU time of the worker's thread over its life (boot,
// requests, timers, microtasks and waitUntil work after a response: whatever runs), as
// Supabase's per_worker policy counts it: past the soft limit the worker is retired
// (takes no new requests, finishes its own), past the hard one terminated. Wall clock
// (the worker's age): retired at half, terminated at the limit.
struct WorkerLimits {
  std::size_t memory_limit_mb = 256;
  std::size_t cpu_soft_limit_ms = 1000;
  std::size_t cpu_hard_limit_ms = 2000;
  std::size_t wall_clock_limit_ms = 400'000;  // 0: none (a worker under a debugger)
};

struct WorkerOptions {
  std::string name;         // the function's slug; shown in logs
  std::string main_module;  // URL of the entry module; empty for eval-only workers
  // Where modules and Deno.readFile's files come from (module_source.hpp). Null: the disk,
  // as make_file_source_provider(import_roots, root) reads it.
  std::shared_ptr<ModuleSourceProvider> sources;
  // How specifiers become module URLs. Null: relative and absolute URLs, as Deno does.
  std::shared_ptr<ModuleResolver> resolver;
  std::filesystem::path root;  // the function's folder: Deno.readFile's sandbox on disk
  // Files outside `root` that `sources` serves to Deno.readFile (static_files): never
  // taken for the worker's private /tmp, even when they lie below the real one.
  std::vector<std::filesystem::path> extra_files;
  // Local modules may be imported only from below these folders (symlinks resolved), so
  // that an import is no way around the read sandbox. Empty: `root` alone.
  std::vector<std::filesystem::path> import_roots;
  std::vector<std::pair<std::string, std::string>> env;  // exactly what Deno.env sees
  // The host's file system as it is, read and write, instead of the function's folder and
  // a private /tmp: a main service (edge-runtime's main worker has every permission).
  bool host_files = false;
  // Deno's permissions, narrowing the sandbox (a main service's user workers may be given
  // them); null: the sandbox alone.
  std::shared_ptr<const Permissions> permissions;
  WorkerLimits limits;
  // A server's worker must register a request handler while it boots; a test file or
  // script need not.
  bool require_handler = true;
  // Set: the main module is a test module whose Deno.test definitions the worker runs,
  // reporting to the listener (test_run.hpp); it needs no request handler.
  std::optional<TestMode> test;
  LogFn log;
  // Set: V8's inspector on this worker (`--inspect`), listed among `inspect->targets`.
  std::optional<inspector::InspectOptions> inspect;
  // Told once the main module has booted (or failed to), with the time from the start of
  // the function's boot; and each limit that retires or ends the worker: "memory",
  // "cpu_soft", "cpu_hard", "wall_clock_half", "wall_clock". What `serve --metrics` counts; any
  // thread.
  std::function<void(bool ok, double boot_ms)> on_booted;
  std::function<void(std::string_view limit)> on_limit;
  // Told the URL of every module source the worker loads (hot reload watches them).
  std::function<void(const std::string& url)> on_module;
  // Set: Deno.serve with a hostname or port opens a real listener through it, as in Deno
  // (a test module's servers); throws std::system_error when it cannot bind. Null:
  // Deno.serve only registers the handler the server's requests go to.
  std::function<std::unique_ptr<Listener>(const std::string& hostname, std::uint16_t port,
                                          RequestHandler handler)>
      listen;
  // Set: the worker is a main service (`serve --main-service`): EdgeRuntime.userWorkers
  // and the edge-runtime error classes in Deno.errors; its requests go to user workers
  // through this.
  std::shared_ptr<UserWorkerHost> user_workers;
};

// What an evaluated snippet produced: `type` is its typeof (or "throws"), `value` its
// String() form (or the exception's "Name: message").
struct EvalResult {
  std::string type;
  std::string value;
};

enum class WorkerState { booting, ready, failed, terminated };

class WorkerImpl;

// A connection whose I/O the server moved onto a worker's loop, so that a keep-alive
// connection hammering one function never crosses threads. When the worker ends, each
// one is told so, on the worker's thread, and gets a moment to finish before the loop
// stops for good.
class HostedConnection {
 public:
  virtual ~HostedConnection() = default;
  virtual void worker_ending() = 0;
  // Waiting for its next request (any thread may ask): such a connection gives its worker
  // no work, so it does not count when the server picks the least busy worker.
  virtual bool idle() const { return false; }
};

// One isolate + one context + one event loop on a thread of its own. Every public
// method may be called from any thread; work reaches the isolate as posted tasks.
class Worker {
 public:
  explicit Worker(WorkerOptions options);

  // A spare worker: its thread creates the isolate and context right away (the ~14 ms
  // of a boot that does not depend on the function), then waits for start(). Spares
  // take the cost of a function's first request off its critical path.
  struct Spare {
    // For `sbfn test --coverage`: V8's precise coverage starts while the spare waits (its
    // heap walk is most of what coverage costs a test file).
    bool coverage = false;
  };
  Worker(Spare, std::size_t memory_limit_mb);
  // Gives a spare its function; false if it is not a spare, is already started, was
  // terminated, or was made for another memory limit.
  bool start(WorkerOptions options);
  ~Worker();  // terminates running JavaScript and joins the thread
  Worker(const Worker&) = delete;
  Worker& operator=(const Worker&) = delete;

  // Queues a request; the response (or a Failure) arrives through `sink`.
  void dispatch(HttpRequest request, std::shared_ptr<ResponseSink> sink);

  // Runs a classic script once the main module has booted; a returned promise is
  // awaited (the loop keeps running).
  std::future<EvalResult> eval(std::string source);

  // Stops the worker: running JavaScript is interrupted and open requests fail with
  // `reason`.
  void terminate(Failure reason);

  // No new requests from now on; the ones it has may finish.
  void retire();

  // The worker's event loop. A connection moved onto it holds this pointer, which keeps
  // the loop alive as long as the connection needs it.
  std::shared_ptr<boost::asio::io_context> io_context() const;
  // Registers a connection moved onto io_context(); false when the worker is already
  // ending (the connection must then stay where it was).
  bool host(std::weak_ptr<HostedConnection> connection);

  WorkerState state() const;
  // Booting or ready, and not retired: may be given new requests.
  bool accepting() const;
  const std::string& name() const;
  // Requests not answered yet plus EdgeRuntime.waitUntil promises not settled yet.
  std::size_t busy() const;
  // Requests not answered yet.
  std::size_t open_requests() const;
  // Connections moved onto io_context() with a request under way (not idle()).
  std::size_t busy_connections() const;

 private:
  std::unique_ptr<WorkerImpl> m_impl;
};

}  // namespace runtime
