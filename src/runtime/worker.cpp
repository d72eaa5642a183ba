// A worker's public face (Worker) and its life: the thread, the isolate and context from
// the snapshot, booting the function's main module, timers, and ending.
#include "runtime/worker.hpp"

#include "runtime/api/ops.hpp"
#include "runtime/assets.hpp"
#include "runtime/fatal_errors.hpp"
#include "runtime/isolates.hpp"
#include "runtime/permissions.hpp"
#include "runtime/platform.hpp"
#include "runtime/v8_util.hpp"
#include "runtime/watchdog.hpp"
#include "runtime/worker_impl.hpp"

#include <boost/asio/post.hpp>

#include <algorithm>
#include <cstdio>

namespace runtime {
namespace {

constexpr int k_worker_slot = 0;

// How long connections hosted on an ending worker's loop get to finish the responses
// they wait for (from this worker: its failures; from others: their answers).
constexpr auto k_connection_drain = std::chrono::seconds(30);

// Reports each source it hands out, so the server can watch the files a function uses.
class NotifyingProvider : public ModuleSourceProvider {
 public:
  NotifyingProvider(std::shared_ptr<ModuleSourceProvider> inner,
                    std::function<void(const std::string&)> notify)
      : m_inner(std::move(inner)), m_notify(std::move(notify)) {}
  ModuleSource load(const std::string& url, std::size_t max_bytes) override {
    auto source = m_inner->load(url, max_bytes);
    m_notify(source.url);
    return source;
  }
  std::optional<std::size_t> read_file(const std::string& path,
                                       const BufferFor& buffer_for) override {
    return m_inner->read_file(path, buffer_for);
  }

 private:
  std::shared_ptr<ModuleSourceProvider> m_inner;
  std::function<void(const std::string&)> m_notify;
};

WorkerOptions spare_options(std::size_t memory_limit_mb) {
  WorkerOptions options;
  options.limits.memory_limit_mb = memory_limit_mb;
  return options;
}

}  // namespace

// --- Worker: the public face ------------------------------------------------------

Worker::Worker(WorkerOptions options) : m_impl(std::make_unique<WorkerImpl>(std::move(options))) {}
Worker::Worker(Spare spare, std::size_t memory_limit_mb)
    : m_impl(std::make_unique<WorkerImpl>(memory_limit_mb, spare.coverage)) {}
bool Worker::start(WorkerOptions options) {
  return m_impl->assign(std::move(options));
}
Worker::~Worker() = default;
void Worker::dispatch(HttpRequest request, std::shared_ptr<ResponseSink> sink) {
  m_impl->dispatch(std::move(request), std::move(sink));
}
std::future<EvalResult> Worker::eval(std::string source) {
  return m_impl->eval(std::move(source));
}
void Worker::terminate(Failure reason) {
  m_impl->terminate(reason);
}
WorkerState Worker::state() const {
  return m_impl->state();
}
const std::string& Worker::name() const {
  return m_impl->options().name;
}
std::size_t Worker::busy() const {
  return m_impl->busy();
}
std::size_t Worker::open_requests() const {
  return m_impl->open_requests();
}
std::size_t Worker::busy_connections() const {
  return m_impl->busy_connections();
}
void Worker::retire() {
  m_impl->retire();
}
std::shared_ptr<boost::asio::io_context> Worker::io_context() const {
  return m_impl->io_owner();
}
bool Worker::host(std::weak_ptr<HostedConnection> connection) {
  return m_impl->host(std::move(connection));
}
bool Worker::accepting() const {
  auto state = m_impl->state();
  return (state == WorkerState::booting || state == WorkerState::ready) && !m_impl->retired();
}

// --- WorkerImpl: any thread ---------------------------------------------------------

WorkerImpl::WorkerImpl(WorkerOptions options)
    : m_options(std::move(options)),
      m_memory(m_options.limits.memory_limit_mb << 20),
      m_assigned(true),
      m_thread([this] { thread_main(); }) {}

WorkerImpl::WorkerImpl(std::size_t memory_limit_mb, bool coverage)
    : m_options(spare_options(memory_limit_mb)),
      m_memory(memory_limit_mb << 20),
      m_spare_coverage(coverage),
      m_thread([this] { thread_main(); }) {}

bool WorkerImpl::assign(WorkerOptions options) {
  std::lock_guard lock(m_assign_mutex);
  if (m_assigned || m_state == WorkerState::terminated ||
      (options.limits.memory_limit_mb << 20) != m_memory.limit()) {
    return false;
  }
  m_options = std::move(options);
  m_assigned = true;
  m_assign_wake.notify_all();
  return true;
}

bool WorkerImpl::wait_for_options() {
  std::unique_lock lock(m_assign_mutex);
  m_assign_wake.wait(lock, [&] { return m_assigned || m_state == WorkerState::terminated; });
  return m_assigned;
}

WorkerImpl::~WorkerImpl() {
  terminate(Failure::worker_error);
  m_thread.join();
}

void WorkerImpl::dispatch(HttpRequest request, std::shared_ptr<ResponseSink> sink) {
  auto state = m_state.load();
  if (state == WorkerState::failed || state == WorkerState::terminated) {
    sink->fail(m_terminate_reason);
    return;
  }
  ++m_in_flight;
  // Moved along, not shared: only a request that has to wait for the boot is put on the
  // heap (after_boot keeps a copyable std::function).
  boost::asio::post(
      m_io, [this, pending = PendingRequest{std::move(request), std::move(sink)}]() mutable {
        if (m_state == WorkerState::booting) {
          auto waiting = std::make_shared<PendingRequest>(std::move(pending));
          after_boot([this, waiting](bool) { run_request(std::move(*waiting)); });
          return;
        }
        run_request(std::move(pending));
      });
}

void WorkerImpl::after_boot(AfterBoot task) {
  if (m_state == WorkerState::booting) {
    m_waiting_for_boot.push_back(std::move(task));
  } else {
    task(m_state == WorkerState::ready);
  }
}

void WorkerImpl::terminate(Failure reason) {
  std::lock_guard lock(m_isolate_mutex);
  auto state = m_state.load();
  if (state == WorkerState::terminated) {
    return;
  }
  if (state != WorkerState::failed) {
    m_terminate_reason = reason;
  }
  // A server's worker ended from outside (retired and done, the server stopping) or by
  // Deno.exit still gets its unload events; one a limit or a crash ended does not.
  if (state == WorkerState::ready && reason == Failure::worker_error && !m_memory_limit_hit &&
      m_options.require_handler && !m_options.test) {
    m_last_words_owed = true;
  }
  m_state = WorkerState::terminated;
  if (m_isolate) {
    m_isolate->TerminateExecution();
  }
  if (m_inspector_target) {
    m_inspector_target->end();  // a worker paused in the debugger must get back to its end
  }
  m_io.stop();
  std::lock_guard assign_lock(m_assign_mutex);
  m_assign_wake.notify_all();
}

std::future<EvalResult> WorkerImpl::eval(std::string source) {
  auto promise = std::make_shared<std::promise<EvalResult>>();
  auto future = promise->get_future();
  boost::asio::post(m_io, [this, promise, source = std::move(source)] {
    after_boot([this, promise, source](bool booted) {
      if (!booted) {
        promise->set_value({"throws", "Error: the worker's main module failed to boot"});
        return;
      }
      run_js([&](v8::Local<v8::Context> context) {
        auto* isolate = m_isolate;
        v8::TryCatch try_catch(isolate);
        auto describe = [isolate](v8::Local<v8::Value> value) {
          return EvalResult{to_utf8(isolate, value->TypeOf(isolate)), to_utf8(isolate, value)};
        };
        auto thrown = [isolate](v8::Local<v8::Value> exception) {
          return EvalResult{"throws", to_utf8(isolate, exception)};
        };
        v8::ScriptOrigin origin(isolate, v8_str(isolate, "sbfn:eval"));
        v8::Local<v8::Script> script;
        v8::Local<v8::Value> result;
        if (!v8::Script::Compile(context, v8_str(isolate, source), &origin).ToLocal(&script) ||
            !script->Run(context).ToLocal(&result)) {
          promise->set_value(thrown(try_catch.Exception()));
          return;
        }
        if (!result->IsPromise()) {
          promise->set_value(describe(result));
          return;
        }
        // Whichever reaction runs settles the pending entry (found by id, so nothing is
        // owned by a reaction that never runs); thread_main settles what is left.
        const auto id = m_next_eval_id++;
        m_pending_evals.emplace(id, promise);
        static constexpr auto settle = [](const v8::FunctionCallbackInfo<v8::Value>& info,
                                          bool threw) {
          auto* iso = info.GetIsolate();
          auto& self = WorkerImpl::from(iso);
          auto entry = self.m_pending_evals.find(info.Data().As<v8::Uint32>()->Value());
          if (entry == self.m_pending_evals.end()) {
            return;
          }
          auto value = info[0];
          entry->second->set_value(
              threw ? EvalResult{"throws", to_utf8(iso, value)}
                    : EvalResult{to_utf8(iso, value->TypeOf(iso)), to_utf8(iso, value)});
          self.m_pending_evals.erase(entry);
        };
        auto data = v8::Integer::NewFromUnsigned(isolate, id);
        v8::Local<v8::Function> ok_fn;
        v8::Local<v8::Function> err_fn;
        if (!v8::Function::New(
                 context,
                 [](const v8::FunctionCallbackInfo<v8::Value>& info) { settle(info, false); }, data)
                 .ToLocal(&ok_fn) ||
            !v8::Function::New(
                 context,
                 [](const v8::FunctionCallbackInfo<v8::Value>& info) { settle(info, true); }, data)
                 .ToLocal(&err_fn)) {
          return;  // terminating: thread_main settles the entry
        }
        std::ignore = result.As<v8::Promise>()->Then(context, ok_fn, err_fn);
      });
    });
  });
  return future;
}

// --- WorkerImpl: worker thread -----------------------------------------------------

WorkerImpl& WorkerImpl::from(v8::Isolate* isolate) {
  return *static_cast<WorkerImpl*>(isolate->GetData(k_worker_slot));
}

api::OpHost& api::OpHost::of(v8::Isolate* isolate) {
  return WorkerImpl::from(isolate);
}

void WorkerImpl::thread_main() {
  create_isolate();
  if (m_spare_coverage) {
    v8::Isolate::Scope isolate_scope(m_isolate);
    start_coverage();
  }
  bool assigned = wait_for_options();
  if (assigned) {
    set_fatal_error_context(m_options.name);
  }
  auto ticket = m_watch_ticket = Watchdog::instance().watch(
      {std::chrono::milliseconds(m_options.limits.cpu_soft_limit_ms),
       std::chrono::milliseconds(m_options.limits.cpu_hard_limit_ms),
       std::chrono::milliseconds(m_options.limits.wall_clock_limit_ms)},
      [this](Watchdog::Event event) { on_limit(static_cast<int>(event)); });
  if (assigned) {
    start_runtime();
  }
  {
    v8::Isolate::Scope isolate_scope(m_isolate);
    if (!assigned) {
      // A spare that was never used: nothing to boot.
    } else if (m_options.main_module.empty()) {
      m_state = WorkerState::ready;
    } else {
      bool coverage = m_options.test && m_options.test->options.coverage;
      if (coverage && !m_coverage) {
        start_coverage();
      } else if (!coverage && m_coverage) {
        m_coverage.reset();  // a spare made for coverage, given a run without it
      }
      if (m_inspector) {
        m_inspector->before_main_module();  // --inspect-wait/-brk: wait for a debugger
      }
      boot_module();
    }
    if (m_state != WorkerState::terminated) {
      if (m_options.test && assigned) {
        run_test_loop();
      } else {
        m_io.run();
        if (m_last_words_owed) {
          say_last_words();
        }
      }
    }
    finish_coverage();
    {
      std::lock_guard lock(m_mailbox->mutex);
      m_mailbox->worker = nullptr;
    }
    refuse_listener_requests();
    m_timers.clear();
    close_sockets();
    m_fetch.reset();  // transfers in flight end with the worker
    abort_user_transfers();
    m_net.reset();
    m_tmp_fs.reset();
    // Tasks still queued (requests dispatched just before the end) run once more: with
    // the worker stopped, each request among them is answered with the reason.
    m_io.restart();
    m_io.poll();
    fail_open_requests(m_terminate_reason);
    for (auto& [id, promise] : m_pending_evals) {
      promise->set_value({"throws", "Error: the worker ended before the promise settled"});
    }
    m_pending_evals.clear();
    // Connections living on this loop write what they owe (the failures above) and
    // close; a bounded drain, after which the loop is left to its last owner.
    std::vector<std::weak_ptr<HostedConnection>> hosted;
    {
      std::lock_guard lock(m_hosted_mutex);
      m_hosting_closed = true;
      hosted.swap(m_hosted);
    }
    for (auto& weak : hosted) {
      if (auto connection = weak.lock()) {
        connection->worker_ending();
      }
    }
    m_keep_running.reset();
    m_io.restart();
    auto drain_until = std::chrono::steady_clock::now() + k_connection_drain;
    while (std::chrono::steady_clock::now() < drain_until &&
           std::any_of(hosted.begin(), hosted.end(), [](auto& weak) { return !weak.expired(); })) {
      m_io.run_for(std::chrono::milliseconds(50));
      m_io.restart();
    }
    close_listeners();  // every request they brought has been answered above
    m_unhandled.clear();
    m_inspector.reset();
    m_hooks = {};
    m_context.Reset();
    m_loader.reset();
  }
  m_test_deadline.reset();
  if (m_options.test && assigned) {
    m_options.test->listener->on_end();
  }
  Watchdog::instance().unwatch(ticket);
  clear_platform_waker(m_isolate);
  std::lock_guard lock(m_isolate_mutex);
  m_isolate->Dispose();
  m_isolate = nullptr;
}

void WorkerImpl::create_isolate() {
  static v8::StartupData blob{assets().worker_snapshot.data(),
                              static_cast<int>(assets().worker_snapshot.size())};
  m_allocator = make_counting_allocator(m_memory);
  v8::Isolate::CreateParams params;
  params.snapshot_blob = &blob;
  params.external_references = api::external_references();
  params.array_buffer_allocator = m_allocator.get();
  // m_memory's limit, not m_options': a spare's thread gets here before its options
  // arrive, and assign() may be replacing them on another thread right now.
  params.constraints.ConfigureDefaultsFromHeapSize(0, m_memory.limit());
  auto* isolate = new_worker_isolate(params);
  {
    std::lock_guard lock(m_isolate_mutex);
    m_isolate = isolate;
    if (m_state == WorkerState::terminated) {
      isolate->TerminateExecution();
    }
  }
  isolate->SetData(k_worker_slot, this);
  report_fatal_errors(isolate);
  // V8's own foreground tasks (e.g. async WebAssembly compilation) run on this loop.
  set_platform_waker(isolate, [mailbox = m_mailbox](double delay_s) {
    mailbox->post([delay_s](WorkerImpl& worker) { worker.pump_platform_after(delay_s); });
  });
  isolate->SetMicrotasksPolicy(v8::MicrotasksPolicy::kExplicit);
  isolate->SetPromiseRejectCallback(on_promise_reject);
  isolate->SetPrepareStackTraceCallback(prepare_stack_trace);
  isolate->SetHostImportModuleDynamicallyCallback(import_dynamically);
  isolate->SetHostInitializeImportMetaObjectCallback(init_import_meta);
  isolate->AddNearHeapLimitCallback(near_heap_limit, this);
  isolate->AddGCEpilogueCallback(after_gc, this);
  isolate->SetCaptureStackTraceForUncaughtExceptions(true);
  m_mailbox->worker = this;

  v8::Isolate::Scope isolate_scope(isolate);
  v8::HandleScope handle_scope(isolate);
  auto context = v8::Context::New(isolate);
  m_context.Reset(isolate, context);
  v8::Context::Scope context_scope(context);
  auto global = context->Global();
  auto key = v8_str(isolate, "__sbfn");
  auto hooks = global->Get(context, key).ToLocalChecked().As<v8::Object>();
  std::ignore = global->Delete(context, key);
  auto get = [&](const char* name, v8::Global<v8::Function>& slot) {
    slot.Reset(isolate,
               hooks->Get(context, v8_str(isolate, name)).ToLocalChecked().As<v8::Function>());
  };
  get("boot", m_hooks.boot);
  get("dispatch", m_hooks.dispatch);
  get("fireTimer", m_hooks.fire_timer);
  get("formatStack", m_hooks.format_stack);
  get("finishBoot", m_hooks.finish_boot);
  get("thenNamespace", m_hooks.then_namespace);
  get("wsEvent", m_hooks.ws_event);
  get("uncaught", m_hooks.uncaught);
  get("lifecycle", m_hooks.lifecycle);
  get("fetchEvent", m_hooks.fetch_event);
  get("userWorkerEvent", m_hooks.user_worker_event);
  get("nodeBuiltin", m_hooks.node_builtin);
  get("requireUrl", m_hooks.require_url);
  get("testRun", m_hooks.test_run);
  get("testUncaught", m_hooks.test_uncaught);
  get("testIdle", m_hooks.test_idle);
  get("testTimedOut", m_hooks.test_timed_out);
}

void WorkerImpl::start_runtime() {
  auto* isolate = m_isolate;
  m_time_origin_ms =
      std::chrono::duration<double, std::milli>(std::chrono::system_clock::now().time_since_epoch())
          .count();
  m_start = std::chrono::steady_clock::now();
  m_sources = m_options.sources;
  if (!m_sources) {
    auto import_roots = m_options.import_roots;
    if (import_roots.empty()) {
      import_roots.push_back(m_options.root);
    }
    m_sources = make_file_source_provider(std::move(import_roots), m_options.root);
  }
  if (m_options.on_module) {
    m_sources = std::make_shared<NotifyingProvider>(std::move(m_sources), m_options.on_module);
  }
  m_resolver = m_options.resolver ? m_options.resolver : make_url_resolver();
  m_loader = std::make_unique<ModuleLoader>(isolate, *m_resolver, *m_sources,
                                            [this] { return m_memory.remaining(); });
  m_main_url = m_options.main_module;

  v8::Isolate::Scope isolate_scope(isolate);
  v8::HandleScope handle_scope(isolate);
  auto context = m_context.Get(isolate);
  v8::Context::Scope context_scope(context);
  m_loader->set_node_hooks(m_hooks.node_builtin.Get(isolate), m_hooks.require_url.Get(isolate));
  m_loader->capture_wasm(context);
  auto global = context->Global();
  auto env = v8::Object::New(isolate);
  for (const auto& [name, value] : m_options.env) {
    std::ignore = env->Set(context, v8_str(isolate, name), v8_str(isolate, value));
  }
  auto info = v8::Object::New(isolate);
  std::ignore = info->Set(context, v8_str(isolate, "name"), v8_str(isolate, m_options.name));
  std::ignore = info->Set(context, v8_str(isolate, "mainModule"), v8_str(isolate, m_main_url));
  std::ignore =
      info->Set(context, v8_str(isolate, "root"), v8_str(isolate, m_options.root.string()));
  if (m_options.inspect) {  // console calls also reach the debugger (js/inspector_console.js)
    std::ignore = info->Set(context, v8_str(isolate, "inspect"), v8::True(isolate));
  }
  if (m_options.user_workers) {
    std::ignore = info->Set(context, v8_str(isolate, "mainService"), v8::True(isolate));
  }
  if (m_options.permissions) {
    std::ignore = info->Set(context, v8_str(isolate, "envPermissions"),
                            v8_str(isolate, m_options.permissions->env_json()));
  }
  std::ignore = info->Set(context, v8_str(isolate, "requireHandler"),
                          v8::Boolean::New(isolate, m_options.require_handler && !m_options.test));
  if (m_options.test) {
    // What Deno.test needs before the module is evaluated (the rest comes with run()).
    const auto& run = m_options.test->options;
    auto test = v8::Object::New(isolate);
    std::ignore =
        test->Set(context, v8_str(isolate, "colour"), v8::Boolean::New(isolate, run.colour));
    std::ignore = test->Set(context, v8_str(isolate, "sanitizeOps"),
                            v8::Boolean::New(isolate, run.sanitize_ops));
    std::ignore = test->Set(context, v8_str(isolate, "sanitizeResources"),
                            v8::Boolean::New(isolate, run.sanitize_resources));
    std::ignore = info->Set(context, v8_str(isolate, "test"), test);
  }
  v8::Local<v8::Value> args[] = {env, info};
  v8::TryCatch try_catch(isolate);
  if (m_hooks.boot.Get(isolate)->Call(context, global, 2, args).IsEmpty()) {
    report_uncaught(try_catch.Exception(), "worker bootstrap failed:");
  }
  if (m_options.inspect) {
    start_inspector();
  }
}

void WorkerImpl::boot_module() {
  run_js([&](v8::Local<v8::Context> context) {
    v8::TryCatch try_catch(m_isolate);
    auto boot_failed = [&] {
      if (!try_catch.HasTerminated()) {
        auto exception = try_catch.Exception();
        if (!(m_options.test && test_uncaught(context, exception, false))) {
          print(2, "worker boot error: " + describe_exception(m_isolate, exception));
        }
      }
      on_booted(false);
    };
    // Loading the graph is off the function's CPU clock (see Watchdog::pause_cpu): a first
    // request must not pay for fetching and transpiling a large npm graph on a cold cache.
    v8::Local<v8::Module> module;
    v8::Local<v8::Value> evaluation;
    Watchdog::instance().pause_cpu(m_watch_ticket);
    bool loaded = m_loader->load(context, m_main_url).ToLocal(&module);
    Watchdog::instance().resume_cpu(m_watch_ticket);
    if (!loaded || !module->Evaluate(context).ToLocal(&evaluation)) {
      boot_failed();
      return;
    }
    auto done =
        v8::Function::New(context, [](const v8::FunctionCallbackInfo<v8::Value>& info) {
          auto& self = WorkerImpl::from(info.GetIsolate());
          // A test module's top-level error reaches its report as Deno shows it: uncaught,
          // "(in promise)" (module evaluation is a promise).
          if (!info[0]->IsNullOrUndefined() &&
              !(self.m_options.test &&
                self.test_uncaught(info.GetIsolate()->GetCurrentContext(), info[0], true))) {
            self.print(2, "worker boot error: " + describe_exception(info.GetIsolate(), info[0]));
          }
          self.on_booted(info[0]->IsNullOrUndefined());
        }).ToLocalChecked();
    v8::Local<v8::Value> args[] = {evaluation, module->GetModuleNamespace(), done};
    if (m_hooks.finish_boot.Get(m_isolate)->Call(context, context->Global(), 3, args).IsEmpty()) {
      boot_failed();
    }
  });
}

void WorkerImpl::on_booted(bool ok) {
  if (m_state != WorkerState::booting) {
    return;
  }
  m_state = ok ? WorkerState::ready : WorkerState::failed;
  if (!ok) {
    m_terminate_reason = Failure::boot_error;
  }
  if (m_options.on_booted) {
    m_options.on_booted(ok, now_ms());
  }
  auto waiting = std::move(m_waiting_for_boot);
  m_waiting_for_boot.clear();
  for (auto& task : waiting) {
    boost::asio::post(m_io, [task = std::move(task), ok] { task(ok); });
  }
  if (m_options.test) {
    if (ok) {
      boost::asio::post(m_io, [this] { start_test_run(); });
    } else {
      end_test_run();
    }
  }
}

void WorkerImpl::report_uncaught(v8::Local<v8::Value> exception, const char* prefix) {
  print(2, std::string(prefix) + " " + describe_exception(m_isolate, exception));
}

bool WorkerImpl::dispatch_uncaught(v8::Local<v8::Context> context, v8::Local<v8::Value> exception,
                                   v8::Local<v8::Value> promise) {
  if (m_state == WorkerState::terminated || m_state == WorkerState::failed) {
    return false;
  }
  v8::TryCatch try_catch(m_isolate);
  v8::Local<v8::Value> args[] = {
      exception, promise.IsEmpty() ? v8::Undefined(m_isolate).As<v8::Value>() : promise};
  v8::Local<v8::Value> prevented;
  return m_hooks.uncaught.Get(m_isolate)
             ->Call(context, context->Global(), 2, args)
             .ToLocal(&prevented) &&
         prevented->IsTrue();
}

void WorkerImpl::report_fatal(v8::Local<v8::Value> exception) {
  if (m_fatal_reported) {
    return;
  }
  if (m_options.test && test_uncaught(m_isolate->GetCurrentContext(), exception, false)) {
    return;  // the test runner reports it for the module and carries on
  }
  m_fatal_reported = true;
  fail(Failure::worker_error);  // first: once logged, no request reaches this worker
  report_uncaught(exception, "error: Uncaught");  // formats with JS: before terminating
  m_isolate->TerminateExecution();
}

void WorkerImpl::fail(Failure reason) {
  if (m_state == WorkerState::terminated || m_state == WorkerState::failed) {
    return;
  }
  m_terminate_reason = reason;
  m_state = WorkerState::failed;
  fail_open_requests(reason);
  m_io.stop();
}

void WorkerImpl::print(int fd, std::string_view text) {
  if (m_options.log) {
    m_options.log(fd, text);
    return;
  }
  std::string line(text);
  line += '\n';
  std::fwrite(line.data(), 1, line.size(), fd == 2 ? stderr : stdout);
}

double WorkerImpl::now_ms() const {
  return std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - m_start)
      .count();
}

void WorkerImpl::start_timer(double id, double delay_ms) {
  auto timer = std::make_unique<boost::asio::steady_timer>(m_io);
  timer->expires_after(std::chrono::microseconds(static_cast<long long>(delay_ms * 1000)));
  timer->async_wait([this, id](const boost::system::error_code& error) {
    if (error) {
      return;  // cancelled: the timer is already gone
    }
    m_timers.erase(id);
    run_js([&](v8::Local<v8::Context> context) {
      v8::Local<v8::Value> args[] = {v8::Number::New(m_isolate, id)};
      std::ignore = m_hooks.fire_timer.Get(m_isolate)->Call(context, context->Global(), 1, args);
    });
  });
  m_timers[id] = std::move(timer);
}

std::size_t WorkerImpl::busy_connections() const {
  std::lock_guard lock(m_hosted_mutex);
  return static_cast<std::size_t>(
      std::count_if(m_hosted.begin(), m_hosted.end(), [](const auto& weak) {
        auto connection = weak.lock();
        return connection && !connection->idle();
      }));
}

bool WorkerImpl::host(std::weak_ptr<HostedConnection> connection) {
  std::lock_guard lock(m_hosted_mutex);
  if (m_hosting_closed || m_state == WorkerState::failed || m_state == WorkerState::terminated) {
    return false;
  }
  std::erase_if(m_hosted, [](const auto& weak) { return weak.expired(); });
  m_hosted.push_back(std::move(connection));
  return true;
}

void WorkerImpl::pump_platform_after(double delay_s) {
  if (delay_s <= 0) {
    run_js([&](v8::Local<v8::Context>) { pump_platform_tasks(m_isolate); });
    return;
  }
  auto timer = std::make_shared<boost::asio::steady_timer>(m_io);
  timer->expires_after(std::chrono::microseconds(static_cast<long long>(delay_s * 1e6)));
  timer->async_wait([this, timer](const boost::system::error_code& error) {
    if (!error) {
      run_js([&](v8::Local<v8::Context>) { pump_platform_tasks(m_isolate); });
    }
  });
}

api::TmpFs& WorkerImpl::tmp_fs() {
  if (!m_tmp_fs) {
    // The quota is the worker's memory limit: what Supabase's tmpfs allows by default is
    // unset, and a worker's files should not outgrow what it may hold in memory.
    m_tmp_fs = std::make_unique<api::TmpFs>(m_options.root,
                                            std::uint64_t{m_options.limits.memory_limit_mb} << 20,
                                            m_options.extra_files, m_options.host_files);
  }
  return *m_tmp_fs;
}

api::NetSockets& WorkerImpl::net() {
  if (!m_net) {
    m_net = std::make_unique<api::NetSockets>(
        m_io, m_isolate,
        [this](const std::function<void(v8::Local<v8::Context>)>& body) { run_js(body); });
  }
  return *m_net;
}

void WorkerImpl::exit_worker(int code) {
  if (!m_options.test) {  // a test run reports it itself (js/testing.js)
    print(2, "Deno.exit(" + std::to_string(code) + ") ended the worker");
  }
  terminate(Failure::worker_error);
}

void WorkerImpl::cancel_timer(double id) {
  m_timers.erase(id);
}

}  // namespace runtime
