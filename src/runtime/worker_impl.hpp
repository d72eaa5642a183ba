#pragma once

#include "runtime/api/net_sockets.hpp"
#include "runtime/api/op_host.hpp"
#include "runtime/api/tmp_fs.hpp"
#include "runtime/coverage.hpp"
#include "runtime/fetch/fetch_engine.hpp"
#include "runtime/inspector/worker_inspector.hpp"
#include "runtime/memory_budget.hpp"
#include "runtime/modules/module_loader.hpp"
#include "runtime/worker.hpp"

#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <v8.h>

#include <algorithm>
#include <chrono>
#include <condition_variable>
#include <deque>
#include <iterator>
#include <map>
#include <mutex>
#include <thread>
#include <unordered_map>
#include <unordered_set>
#include <vector>

namespace runtime {

struct UserWorkerTransfer;  // worker_user_workers.cpp

// The worker's insides, shared by the worker_*.cpp files. Native ops see only its
// OpHost face. Everything below "worker thread only" runs on the worker's own thread.
class WorkerImpl final : public api::OpHost {
 public:
  explicit WorkerImpl(WorkerOptions options);
  // A spare: isolate and context are made now, the function's options come later.
  WorkerImpl(std::size_t memory_limit_mb, bool coverage);
  bool assign(WorkerOptions options);
  ~WorkerImpl();

  void dispatch(HttpRequest request, std::shared_ptr<ResponseSink> sink);
  std::future<EvalResult> eval(std::string source);
  void terminate(Failure reason);
  WorkerState state() const { return m_state; }
  void retire() { m_retired = true; }
  // Dispatches a lifecycle event in the function (js/web/global_events.js): "beforeunload"
  // with detail.reason, "drain", "unload"; on the worker's thread.
  void fire_lifecycle(const char* type, const char* reason = "");
  std::shared_ptr<boost::asio::io_context> io_owner() const { return m_io_owner; }
  bool host(std::weak_ptr<HostedConnection> connection);
  std::size_t busy_connections() const;
  bool retired() const { return m_retired; }
  // Open WebSockets the function accepted count too: a retired worker keeps them open
  // until they close (a deploy or reload must not cut them).
  std::size_t busy() const { return m_in_flight + m_background_tasks + m_accepted_sockets; }
  std::size_t open_requests() const { return m_in_flight; }
  const WorkerOptions& options() const { return m_options; }
  MemoryBudget& memory() { return m_memory; }

  // Worker thread only.
  static WorkerImpl& from(v8::Isolate* isolate);
  v8::Isolate* isolate() const { return m_isolate; }
  ModuleLoader& loader() { return *m_loader; }
  ModuleSourceProvider& sources() override { return *m_sources; }
  std::size_t memory_remaining() const override { return m_memory.remaining(); }
  api::TmpFs& tmp_fs() override;
  api::NetSockets& net() override;
  void exit_worker(int code) override;
  std::optional<SourceMap::Position> original_position(const std::string& url, int line,
                                                       int column) const override {
    return m_loader->original_position(url, line, column);
  }
  std::optional<std::string> source_line(const std::string& url, int line) override {
    return m_loader->source_line(url, line);
  }

  // `sbfn test` (worker_testing.cpp, test_run.hpp).
  void test_event(std::string_view json) override;
  bool test_should_stop() override;
  void test_deadline(double test_id, double ms) override;
  // The deadline of test `test_id` passed; `terminated`: V8 stopped its busy code.
  void test_timed_out(double test_id, bool terminated);
  void print(int fd, std::string_view text) override;
  void report_fatal(v8::Local<v8::Value> exception) override;
  double now_ms() const override;
  double time_origin_ms() const override { return m_time_origin_ms; }
  void start_timer(double id, double delay_ms) override;
  void cancel_timer(double id) override;
  // Runs V8's foreground tasks for this isolate after `delay_s` seconds.
  void pump_platform_after(double delay_s);
  // The sink of an open request; null when the id is unknown or already answered.
  std::shared_ptr<ResponseSink> sink(std::uint32_t id) override;
  const HttpHeaders* request_headers(std::uint32_t id) override;
  void finish_request(std::uint32_t id) override;
  // The streamed body of open request `id` (null when it had none or it is answered).
  std::shared_ptr<RequestBodySource> body_source(std::uint32_t id);
  // A promise for the next piece of request `id`'s streamed body: a Uint8Array, or null
  // at the end; rejected with a TypeError when the body cannot be read.
  v8::Local<v8::Promise> pull_body(std::uint32_t id) override;
  // A promise that settles with true once `sink` has room again, false if its client left.
  v8::Local<v8::Promise> when_drained(const std::shared_ptr<ResponseSink>& sink) override;
  // Settles pending promise `id` (a body pull or a drain wait) in JavaScript, unless it
  // was dropped meanwhile.
  using SettleFn = std::function<void(v8::Local<v8::Context>, v8::Local<v8::Promise::Resolver>)>;
  void settle_pending(std::uint32_t id, const SettleFn& settle);
  void set_background_tasks(std::size_t count) override { m_background_tasks = count; }
  v8::Local<v8::Promise> offload(std::function<Settle()> work) override;  // worker_offload.cpp
  std::optional<std::pair<std::uint32_t, std::uint16_t>> listen(const std::string& hostname,
                                                                std::uint16_t port) override;
  void close_listener(std::uint32_t id) override;
  // At the worker's end: first no more requests from its listeners, then (once every
  // request they brought is answered) the listeners themselves.
  void refuse_listener_requests();
  void close_listeners();

  // WebSockets (worker_sockets.cpp): the handler accepted request `id`'s upgrade.
  bool accept_socket(std::uint32_t request_id, std::uint32_t socket_id,
                     std::string protocol) override;
  std::shared_ptr<WebSocketConnection> socket(std::uint32_t socket_id) override;
  void connect_socket(std::uint32_t socket_id, WebSocketTarget target) override;
  // Runs the wsEvent hook for what the client did; `kind` is "open", "message" or "close".
  void socket_event(std::uint32_t socket_id, const char* kind, std::string data, bool binary,
                    int code);
  void close_sockets();

  // --inspect (worker_debugging.cpp): the worker becomes a target once its runtime is set
  // up; the frontend's messages are dispatched from the loop.
  void start_inspector();
  void dispatch_inspector_messages();

  // fetch (worker_fetch.cpp): the engine, and its events handed to the fetchEvent hook.
  fetch::FetchEngine& fetch_engine() override;
  void fetch_event(fetch::FetchEvent& event);

  // A main service's user workers (worker_user_workers.cpp).
  std::shared_ptr<UserWorkerHost> user_workers() override { return m_options.user_workers; }
  const Permissions* permissions() const override { return m_options.permissions.get(); }
  std::uint32_t user_worker_create(const std::string& options_json, std::string artifact) override;
  std::uint32_t user_worker_fetch(const std::string& key, HttpRequest request, bool streamed_body,
                                  UserWorkerHost::Dispatched& outcome) override;
  void user_worker_write(std::uint32_t id, std::string chunk, bool end, bool error) override;
  void user_worker_pause(std::uint32_t id, bool paused) override;
  void user_worker_abort(std::uint32_t id) override;
  bool user_worker_upgrade(std::uint32_t request_id, std::uint32_t transfer_id) override;
  // What a user worker's answer did, handed to the userWorkerEvent hook.
  struct UserWorkerEvent {
    // head, whole (head and body at once), data, end, error, need_body, upgrade (the
    // worker accepted a WebSocket); created, create_failed (text: the class)
    const char* kind = "end";
    int status = 0;
    std::string text;  // head: the status text; error: the failure's name
    HttpHeaders headers;
    std::string data;
  };
  void user_worker_event(std::uint32_t id, UserWorkerEvent event);
  void abort_user_transfers();  // the main service is ending

  // Lets objects that may outlive the worker (WebSocket peers) post work to its loop.
  struct Mailbox {
    std::mutex mutex;
    WorkerImpl* worker = nullptr;
    template <typename Task>
    void post(Task&& task);
    bool open() {
      std::lock_guard lock(mutex);
      return worker != nullptr;
    }
  };

 private:
  struct Hooks {
    v8::Global<v8::Function> boot;
    v8::Global<v8::Function> dispatch;
    v8::Global<v8::Function> fire_timer;
    v8::Global<v8::Function> format_stack;
    v8::Global<v8::Function> finish_boot;
    v8::Global<v8::Function> then_namespace;
    v8::Global<v8::Function> ws_event;
    v8::Global<v8::Function> uncaught;
    v8::Global<v8::Function> lifecycle;  // (type, reason): beforeunload, drain, unload
    v8::Global<v8::Function> fetch_event;
    v8::Global<v8::Function> user_worker_event;
    v8::Global<v8::Function> node_builtin;  // name -> a node: built-in's exports
    v8::Global<v8::Function> require_url;   // url -> module.exports of a CommonJS module
    // `sbfn test`'s runner (js/testing.js): run(settings) -> promise, uncaught(error,
    // inPromise), idle() -> bool, timedOut(id, terminated).
    v8::Global<v8::Function> test_run;
    v8::Global<v8::Function> test_uncaught;
    v8::Global<v8::Function> test_idle;
    v8::Global<v8::Function> test_timed_out;
  };
  class TestDeadline;
  struct TestDeadlineDeleter {
    void operator()(TestDeadline* deadline) const;
  };
  struct PendingRequest {
    HttpRequest request;
    std::shared_ptr<ResponseSink> sink;
  };
  // Work that must wait for the main module: runs with true once it booted, or with
  // false when it failed to.
  using AfterBoot = std::function<void(bool booted)>;

  void thread_main();
  void create_isolate();    // isolate + context from the snapshot: nothing function-specific
  bool wait_for_options();  // false: terminated before any function was assigned
  void start_runtime();     // the function's loader, env and boot hook
  void boot_module();
  void on_booted(bool ok);
  void run_request(PendingRequest pending);
  void after_boot(AfterBoot task);
  // Runs `body` with the isolate entered, then drains microtasks and reports what went
  // uncaught. Every task the loop runs goes through here.
  template <typename Body>
  void run_js(Body&& body);
  void report_uncaught(v8::Local<v8::Value> exception, const char* prefix);
  // Fires "error" (no promise) or "unhandledrejection" at the global; true when a
  // listener called preventDefault(), which keeps the worker alive (as Deno does).
  bool dispatch_uncaught(v8::Local<v8::Context> context, v8::Local<v8::Value> exception,
                         v8::Local<v8::Value> promise);
  void fail(Failure reason);
  void fail_open_requests(Failure reason);

  // `sbfn test` (worker_testing.cpp): the run once the module booted, the loop that notices
  // when it has nothing left to do, errors nobody caught, and a deadline's termination.
  void start_test_run();
  void run_test_loop();
  // Hands an error nobody caught to the runner; false when it could not take it.
  bool test_uncaught(v8::Local<v8::Context> context, v8::Local<v8::Value> exception,
                     bool in_promise);
  // After a termination: when it was a test's deadline, the isolate goes on with the runner.
  void recover_test_timeout(v8::Local<v8::Context> context);
  // Takes back a termination a deadline asked for; the test's id, or 0 when there was none.
  double cancel_test_termination();
  void end_test_run();
  // --coverage: started before the module compiles, taken once the loop is done.
  void start_coverage();
  void finish_coverage();

  static void on_promise_reject(v8::PromiseRejectMessage message);
  static v8::MaybeLocal<v8::Value> prepare_stack_trace(v8::Local<v8::Context> context,
                                                       v8::Local<v8::Value> error,
                                                       v8::Local<v8::Array> sites);
  static v8::MaybeLocal<v8::Promise> import_dynamically(v8::Local<v8::Context> context,
                                                        v8::Local<v8::Data> options,
                                                        v8::Local<v8::Value> resource_name,
                                                        v8::Local<v8::String> specifier,
                                                        v8::Local<v8::FixedArray> assertions);
  // The end of an import(): evaluate the module, then settle `resolver` with its namespace.
  void settle_import(v8::Local<v8::Context> context, v8::Local<v8::Promise::Resolver> resolver,
                     v8::Local<v8::Module> module);
  static void init_import_meta(v8::Local<v8::Context> context, v8::Local<v8::Module> module,
                               v8::Local<v8::Object> meta);
  static std::size_t near_heap_limit(void* data, std::size_t current, std::size_t initial);
  static void after_gc(v8::Isolate* isolate, v8::GCType type, v8::GCCallbackFlags flags,
                       void* data);
  // The memory limit was passed: stop the JavaScript now, end the worker (546) once it
  // has unwound. Logged once, whichever path noticed first.
  void memory_limit_reached();
  void on_limit(int event);  // a Watchdog::Event for this worker's thread
  // A limit retired the worker: beforeunload with `reason`, then drain if it is idle.
  void retired_by_limit(const char* reason);
  void dispatch_drain();  // once: a retired worker has answered all its requests
  // The worker ends (retired and idle, or the server stopping): its last events, run
  // after the termination that ended its loop, within k_last_words_limit.
  void say_last_words();

  WorkerOptions m_options;
  MemoryBudget m_memory;  // before the allocator and the isolate, which charge it
  // Shared with connections hosted on this loop (see HostedConnection).
  std::shared_ptr<boost::asio::io_context> m_io_owner =
      std::make_shared<boost::asio::io_context>(1);
  boost::asio::io_context& m_io = *m_io_owner;
  mutable std::mutex m_hosted_mutex;
  std::vector<std::weak_ptr<HostedConnection>> m_hosted;
  bool m_hosting_closed = false;
  boost::asio::executor_work_guard<boost::asio::io_context::executor_type> m_keep_running{
      m_io.get_executor()};
  std::atomic<WorkerState> m_state{WorkerState::booting};
  std::mutex m_assign_mutex;
  std::condition_variable m_assign_wake;
  bool m_assigned = false;
  std::atomic<std::size_t> m_in_flight{0};
  std::atomic<std::size_t> m_background_tasks{0};
  std::atomic<bool> m_retired{false};
  std::chrono::steady_clock::time_point m_start = std::chrono::steady_clock::now();
  double m_time_origin_ms = 0;

  std::mutex m_isolate_mutex;  // guards m_isolate against terminate() from other threads
  std::unique_ptr<v8::ArrayBuffer::Allocator> m_allocator;
  v8::Isolate* m_isolate = nullptr;
  v8::Global<v8::Context> m_context;
  Hooks m_hooks;
  std::shared_ptr<ModuleSourceProvider> m_sources;
  std::shared_ptr<ModuleResolver> m_resolver;
  std::unique_ptr<ModuleLoader> m_loader;
  std::string m_main_url;
  std::atomic<Failure> m_terminate_reason{Failure::worker_error};
  std::atomic<bool> m_memory_limit_hit{false};
  bool m_fatal_reported = false;  // report_fatal() ran: the current task ends the worker
  std::atomic<bool> m_last_words_owed{false};  // terminate() ended a healthy server worker
  bool m_drained = false;                      // "drain" was dispatched
  bool m_memory_alerted = false;               // "beforeunload" (memory) was dispatched

  std::deque<AfterBoot> m_waiting_for_boot;
  // A request JavaScript is answering. Its headers wait here until the function asks for
  // them (request_headers): most handlers read a few or none.
  struct OpenRequest {
    std::uint32_t id;
    std::shared_ptr<ResponseSink> sink;
    HttpHeaders headers;
  };
  // Oldest first. A vector, not a map: a worker has a few requests open at a time, and
  // its storage is kept, so opening one allocates nothing.
  std::vector<OpenRequest> m_requests;
  // Where request `id` is in m_requests (searched from the newest), or its end.
  auto open_request(std::uint32_t id) {
    auto it = std::find_if(m_requests.rbegin(), m_requests.rend(),
                           [id](const auto& entry) { return entry.id == id; });
    return it == m_requests.rend() ? m_requests.end() : std::prev(it.base());
  }
  std::unordered_map<std::uint32_t, std::shared_ptr<RequestBodySource>> m_body_sources;
  std::unordered_map<std::uint32_t, v8::Global<v8::Promise::Resolver>> m_pulls;
  std::uint32_t m_next_pull_id = 1;
  std::uint32_t m_next_request_id = 1;
  std::unordered_map<double, std::unique_ptr<boost::asio::steady_timer>> m_timers;
  std::shared_ptr<Mailbox> m_mailbox = std::make_shared<Mailbox>();
  std::atomic<int> m_watch_ticket{0};      // the Watchdog's, for work charged from other threads
  std::unique_ptr<api::TmpFs> m_tmp_fs;    // made on first use, removed with the worker
  std::unique_ptr<api::NetSockets> m_net;  // made on first use, closed with the worker
  std::unordered_map<std::uint32_t, std::shared_ptr<WebSocketConnection>> m_sockets;
  std::unordered_set<std::uint32_t> m_accepted;  // of m_sockets, those clients opened
  std::atomic<std::size_t> m_accepted_sockets{0};
  std::map<std::uint32_t, std::unique_ptr<Listener>> m_listeners;  // Deno.serve's own sockets
  std::uint32_t m_next_listener_id = 1;
  // Guards the hand-over of a listener's request to this worker's loop against the end.
  std::mutex m_listener_gate;
  bool m_listeners_refused = false;             // guarded by m_listener_gate
  std::unique_ptr<fetch::FetchEngine> m_fetch;  // null until the first fetch
  std::unordered_map<std::uint32_t, std::shared_ptr<UserWorkerTransfer>> m_user_transfers;
  std::uint32_t m_next_user_transfer = 1;
  std::vector<std::pair<v8::Global<v8::Promise>, v8::Global<v8::Value>>> m_unhandled;
  // eval() results still waiting for their promise; the worker's end settles what is left,
  // so a caller never waits on a worker that is gone.
  std::unordered_map<std::uint32_t, std::shared_ptr<std::promise<EvalResult>>> m_pending_evals;
  std::uint32_t m_next_eval_id = 1;

  // `sbfn test` only.
  std::unique_ptr<TestDeadline, TestDeadlineDeleter> m_test_deadline;  // made on first use
  std::atomic<double> m_test_interrupt{0};      // the test whose deadline terminated the isolate
  bool m_test_finished = false;                 // the runner's run settled
  std::unique_ptr<CoverageSession> m_coverage;  // --coverage only
  bool m_spare_coverage = false;  // a spare whose coverage starts before it is assigned

  // --inspect only. The target is also kept under m_isolate_mutex for terminate(), which
  // ends it from any thread so that a paused worker stops waiting for its debugger.
  std::unique_ptr<inspector::WorkerInspector> m_inspector;
  std::shared_ptr<inspector::Target> m_inspector_target;

  std::thread m_thread;  // last: starts once everything above exists
};

// Defined here so that worker.cpp and worker_sockets.cpp share it.
template <typename Body>
void WorkerImpl::run_js(Body&& body) {
  if (m_state == WorkerState::terminated) {
    return;
  }
  v8::HandleScope handle_scope(m_isolate);
  auto context = m_context.Get(m_isolate);
  v8::Context::Scope context_scope(context);
  {
    v8::TryCatch try_catch(m_isolate);
    body(context);
    if (try_catch.HasCaught() && !try_catch.HasTerminated()) {
      auto exception = try_catch.Exception();
      try_catch.Reset();
      if (!dispatch_uncaught(context, exception, {}) &&
          !(m_options.test && test_uncaught(context, exception, false))) {
        fail(Failure::worker_error);  // first: once logged, no request reaches it
        report_uncaught(exception, "error: Uncaught");
        return;
      }
    } else if (try_catch.HasTerminated() && m_options.test) {
      recover_test_timeout(context);
    }
  }
  if (m_fatal_reported) {
    fail(Failure::worker_error);
    return;
  }
  m_isolate->PerformMicrotaskCheckpoint();
  // Listeners may reject more promises; a bounded number of rounds, then the rest wait
  // for the next task.
  for (int round = 0; round < 64 && !m_unhandled.empty(); ++round) {
    auto unhandled = std::move(m_unhandled);
    m_unhandled.clear();
    for (auto& [promise, reason] : unhandled) {
      auto value = reason.Get(m_isolate);
      if (!dispatch_uncaught(context, value, promise.Get(m_isolate)) &&
          !(m_options.test && test_uncaught(context, value, true))) {
        fail(Failure::worker_error);
        report_uncaught(value, "error: Uncaught (in promise)");
        return;
      }
    }
    m_isolate->PerformMicrotaskCheckpoint();
  }
  if (m_memory_limit_hit) {
    fail(Failure::limit);
  } else if (m_fatal_reported) {
    fail(Failure::worker_error);  // reported from a microtask
  }
}

template <typename Task>
void WorkerImpl::Mailbox::post(Task&& task) {
  std::lock_guard lock(mutex);
  if (worker != nullptr) {
    boost::asio::post(worker->m_io,
                      [w = worker, task = std::forward<Task>(task)]() mutable { task(*w); });
  }
}

}  // namespace runtime
