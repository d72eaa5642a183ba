#pragma once

// A worker that runs a test module instead of serving a function (WorkerOptions::test):
// what `sbfn test` (src/tester/) asks of the runtime. Such a worker boots the module as
// serve boots a function (same snapshot, same module seam) but needs no request handler;
// Deno.test registers instead of doing nothing. Once the module has booted, the JavaScript
// runner (js/testing.js) runs what it registered and reports every step as an event; the
// worker ends when the run is over, when the module calls Deno.exit, or when it cannot boot.
//
// What differs from serving, and why:
// - An error nobody caught does not end the worker: the runner reports it for the module
//   and cancels the tests after it, as Deno does.
// - The event loop holds no work of its own: when it runs out of work while a test still
//   waits, that test can never settle, and fails (Deno's "Promise resolution is still
//   pending but the event loop has already resolved").
// - A test's deadline (Deno's `timeout`) is watched from another thread, so that a test
//   busy in a loop is stopped (TerminateExecution, then the isolate goes on with the next
//   test) rather than hanging the run.

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

namespace runtime {

// How the runner chooses and runs the module's tests (Deno's `deno test` flags).
struct TestRunOptions {
  std::string filter;                         // --filter: a substring, or /regex/; empty: all
  std::optional<std::uint64_t> shuffle_seed;  // --shuffle: test order (rand 0.8's SmallRng)
  std::uint64_t timeout_ms = 0;               // a test's deadline unless it sets `timeout`; 0: none
  // Defaults of the tests' sanitizeOps / sanitizeResources: true as in Deno 2.1 (what
  // Supabase's edge runtime vendors); Deno 2.8+ turned them off by default.
  bool sanitize_ops = true;
  bool sanitize_resources = true;
  bool colour = false;  // Deno.noColor is its opposite (@std/fmt/colors reads it)
  // --coverage: V8's precise coverage from before the module is compiled to after its
  // tests ran (coverage.hpp), handed to TestListener::on_coverage.
  bool coverage = false;
};

// Where a test worker's reports go. Every call comes from the worker's own thread.
class TestListener {
 public:
  virtual ~TestListener() = default;
  // One event of the runner: a JSON object (schema at the top of js/testing.js). Events and
  // the module's console output (WorkerOptions::log) arrive in the order they happened.
  virtual void on_event(std::string_view json) = 0;
  // Asked before each test: true leaves the module's remaining tests unrun (--fail-fast
  // reached by another module).
  virtual bool should_stop() = 0;
  // With TestRunOptions::coverage, once the tests ran: V8's ScriptCoverage array as JSON
  // (CoverageSession::take), for every script of the isolate. Comes before on_end.
  virtual void on_coverage(std::string json) { (void)json; }
  // The worker is done with the module: its run completed, or the worker ended otherwise
  // (Deno.exit, a limit, a module that could not boot). Called once, last.
  virtual void on_end() = 0;
};

struct TestMode {
  TestRunOptions options;
  std::shared_ptr<TestListener> listener;
};

}  // namespace runtime
