// A worker running a test module for `sbfn test` (test_run.hpp): the run after boot, the
// event loop that notices it has nothing left to do, errors nobody caught, and the deadline
// of the running test, watched from a thread of its own.
#include "runtime/platform.hpp"
#include "runtime/v8_util.hpp"
#include "runtime/worker_impl.hpp"

#include <boost/asio/post.hpp>

#include <cmath>

namespace runtime {
namespace {

// How long the loop gets to take a passed deadline itself (the test was waiting) before
// the test's code is taken to be busy and is terminated.
constexpr auto k_deadline_grace = std::chrono::milliseconds(20);

}  // namespace

// Watches the running test's deadline. When it passes, the worker is told through its
// loop; if the loop does not get to it within the grace (JavaScript is busy), the isolate
// is terminated and the worker goes on with the next test (recover_test_timeout).
class WorkerImpl::TestDeadline {
 public:
  explicit TestDeadline(WorkerImpl& worker) : m_worker(worker), m_thread([this] { watch(); }) {}
  ~TestDeadline() {
    {
      std::lock_guard lock(m_mutex);
      m_stop = true;
    }
    m_wake.notify_all();
    m_thread.join();
  }

  void arm(double test_id, std::chrono::steady_clock::time_point when) {
    {
      std::lock_guard lock(m_mutex);
      m_test_id = test_id;
      m_when = when;
      m_taken = 0;
    }
    m_wake.notify_all();
  }
  void disarm() { arm(0, {}); }
  // The loop ran the deadline's task: no termination is needed.
  void taken(double test_id) {
    {
      std::lock_guard lock(m_mutex);
      m_taken = test_id;
    }
    m_wake.notify_all();
  }

 private:
  void watch() {
    std::unique_lock lock(m_mutex);
    while (!m_stop) {
      if (m_test_id == 0) {
        m_wake.wait(lock);
        continue;
      }
      auto id = m_test_id;
      if (m_wake.wait_until(lock, m_when, [&] { return m_stop || m_test_id != id; })) {
        continue;  // disarmed or re-armed
      }
      m_worker.m_mailbox->post([id](WorkerImpl& worker) { worker.test_timed_out(id, false); });
      if (m_wake.wait_for(lock, k_deadline_grace,
                          [&] { return m_stop || m_test_id != id || m_taken == id; })) {
        if (m_test_id == id) {
          m_test_id = 0;
        }
        continue;
      }
      m_test_id = 0;
      lock.unlock();
      {
        std::lock_guard isolate_lock(m_worker.m_isolate_mutex);
        if (m_worker.m_isolate != nullptr && m_worker.m_state != WorkerState::terminated) {
          m_worker.m_test_interrupt = id;
          m_worker.m_isolate->TerminateExecution();
        }
      }
      lock.lock();
    }
  }

  WorkerImpl& m_worker;
  std::mutex m_mutex;
  std::condition_variable m_wake;
  double m_test_id = 0;  // armed for this test; 0: not armed
  double m_taken = 0;
  std::chrono::steady_clock::time_point m_when;
  bool m_stop = false;
  std::thread m_thread;  // last
};

void WorkerImpl::TestDeadlineDeleter::operator()(TestDeadline* deadline) const {
  delete deadline;
}

void WorkerImpl::test_event(std::string_view json) {
  if (m_options.test) {
    m_options.test->listener->on_event(json);
  }
}

bool WorkerImpl::test_should_stop() {
  return m_options.test && m_options.test->listener->should_stop();
}

void WorkerImpl::test_deadline(double test_id, double ms) {
  if (!m_options.test) {
    return;
  }
  if (test_id == 0) {
    if (m_test_deadline) {
      m_test_deadline->disarm();
    }
    return;
  }
  if (!m_test_deadline) {
    m_test_deadline.reset(new TestDeadline(*this));
  }
  auto delay = std::chrono::microseconds(static_cast<long long>(std::ceil(ms * 1000)));
  m_test_deadline->arm(test_id, std::chrono::steady_clock::now() + delay);
}

void WorkerImpl::test_timed_out(double test_id, bool) {
  if (m_test_deadline) {
    m_test_deadline->taken(test_id);
  }
  // The deadline's own task: when a termination was asked for meanwhile, it may have
  // landed (V8 then unwound the busy code) or be pending; either way it is taken back.
  bool terminated = cancel_test_termination() != 0;
  run_js([&](v8::Local<v8::Context> context) {
    v8::Local<v8::Value> args[] = {v8::Number::New(m_isolate, test_id),
                                   v8::Boolean::New(m_isolate, terminated)};
    std::ignore = m_hooks.test_timed_out.Get(m_isolate)->Call(context, context->Global(), 2, args);
  });
}

double WorkerImpl::cancel_test_termination() {
  double id = m_test_interrupt.exchange(0);
  if (id == 0) {
    return 0;  // none asked for (or terminated for good: Worker::terminate, a limit)
  }
  std::lock_guard lock(m_isolate_mutex);
  if (m_state == WorkerState::terminated) {
    return 0;
  }
  m_isolate->CancelTerminateExecution();
  return id;
}

void WorkerImpl::recover_test_timeout(v8::Local<v8::Context> context) {
  double id = cancel_test_termination();
  if (id == 0) {
    return;
  }
  // SAFETY: nested in the task whose JavaScript was terminated; its TryCatch is done with
  // the termination, and this call gets its own.
  v8::TryCatch try_catch(m_isolate);
  v8::Local<v8::Value> args[] = {v8::Number::New(m_isolate, id), v8::True(m_isolate)};
  std::ignore = m_hooks.test_timed_out.Get(m_isolate)->Call(context, context->Global(), 2, args);
}

bool WorkerImpl::test_uncaught(v8::Local<v8::Context> context, v8::Local<v8::Value> exception,
                               bool in_promise) {
  if (m_hooks.test_uncaught.IsEmpty() || m_state == WorkerState::terminated) {
    return false;
  }
  v8::TryCatch try_catch(m_isolate);
  v8::Local<v8::Value> args[] = {exception, v8::Boolean::New(m_isolate, in_promise)};
  return !m_hooks.test_uncaught.Get(m_isolate)->Call(context, context->Global(), 2, args).IsEmpty();
}

void WorkerImpl::start_test_run() {
  run_js([&](v8::Local<v8::Context> context) {
    auto* isolate = m_isolate;
    const auto& options = m_options.test->options;
    auto settings = v8::Object::New(isolate);
    std::ignore =
        settings->Set(context, v8_str(isolate, "filter"), v8_str(isolate, options.filter));
    std::ignore = settings->Set(context, v8_str(isolate, "timeout"),
                                v8::Number::New(isolate, static_cast<double>(options.timeout_ms)));
    // A 64-bit seed does not fit a double: the runner takes it as a BigInt's digits.
    std::ignore =
        settings->Set(context, v8_str(isolate, "shuffle"),
                      options.shuffle_seed
                          ? v8_str(isolate, std::to_string(*options.shuffle_seed)).As<v8::Value>()
                          : v8::Null(isolate).As<v8::Value>());
    v8::Local<v8::Value> args[] = {settings};
    v8::Local<v8::Value> result;
    if (!m_hooks.test_run.Get(isolate)
             ->Call(context, context->Global(), 1, args)
             .ToLocal(&result) ||
        !result->IsPromise()) {
      end_test_run();
      return;
    }
    auto done = v8::Function::New(context, [](const v8::FunctionCallbackInfo<v8::Value>& info) {
                  WorkerImpl::from(info.GetIsolate()).end_test_run();
                }).ToLocalChecked();
    std::ignore = result.As<v8::Promise>()->Then(context, done, done);
  });
}

void WorkerImpl::end_test_run() {
  m_test_finished = true;
  if (m_test_deadline) {
    m_test_deadline->disarm();
  }
  m_io.stop();
}

void WorkerImpl::start_coverage() {
  v8::HandleScope handle_scope(m_isolate);
  auto context = m_context.Get(m_isolate);
  v8::Context::Scope context_scope(context);
  try {
    m_coverage = std::make_unique<CoverageSession>(m_isolate, context);
  } catch (const std::exception& error) {
    print(2, std::string("error: coverage: ") + error.what());
  }
}

void WorkerImpl::finish_coverage() {
  if (!m_coverage) {
    return;
  }
  if (!m_options.test) {
    m_coverage.reset();  // a spare that was never used
    return;
  }
  // Not through run_js: a module that called Deno.exit left the isolate terminated, and
  // its coverage still counts. Taking it runs no JavaScript.
  {
    v8::HandleScope handle_scope(m_isolate);
    v8::Context::Scope context_scope(m_context.Get(m_isolate));
    try {
      m_options.test->listener->on_coverage(m_coverage->take());
    } catch (const std::exception& error) {
      print(2, std::string("error: coverage: ") + error.what());
    }
  }
  m_coverage.reset();
}

void WorkerImpl::run_test_loop() {
  // Nothing holds the loop open but the module's own work (timers, sockets, transfers),
  // so run() returning means the event loop has nothing left to do.
  m_keep_running.reset();
  while (!m_test_finished && m_state != WorkerState::terminated && m_state != WorkerState::failed) {
    m_io.restart();
    m_io.run();
    if (m_test_finished || m_state == WorkerState::terminated || m_state == WorkerState::failed) {
      break;
    }
    // V8's worker threads may still post a task here (async WebAssembly compilation): the
    // loop is only idle once they are done and nothing they posted is waiting.
    if (platform_background_busy()) {
      std::this_thread::sleep_for(std::chrono::milliseconds(1));
      continue;
    }
    m_io.restart();
    if (m_io.poll() > 0) {
      continue;
    }
    bool moved = false;
    run_js([&](v8::Local<v8::Context> context) {
      v8::Local<v8::Value> result;
      moved = m_hooks.test_idle.Get(m_isolate)
                  ->Call(context, context->Global(), 0, nullptr)
                  .ToLocal(&result) &&
              result->IsTrue();
    });
    if (!moved) {
      break;  // waiting for something that will never come (a top-level await, a hook)
    }
  }
}

}  // namespace runtime
