#include "support/worker_fixture.hpp"

#include <doctest/doctest.h>

using test_support::eval;

TEST_SUITE_BEGIN("runtime");

TEST_CASE("runtime::Worker evaluates snippets and reports their type") {
  auto result = eval("1 + 2");
  CHECK(result.type == "number");
  CHECK(result.value == "3");
  result = eval("'a' + 'b'");
  CHECK(result.type == "string");
  CHECK(result.value == "ab");
}

TEST_CASE("runtime::Worker reports thrown errors") {
  auto result = eval("null.x");
  CHECK(result.type == "throws");
  CHECK(result.value.starts_with("TypeError: Cannot read properties of null"));
  result = eval("throw new RangeError('nope')");
  CHECK(result.type == "throws");
  CHECK(result.value == "RangeError: nope");
}

TEST_CASE("runtime::Worker awaits promises and runs timers on its loop") {
  auto result = eval("new Promise((resolve) => setTimeout(() => resolve('late'), 20))");
  CHECK(result.value == "late");
  result = eval("Promise.reject(new TypeError('rejected'))");
  CHECK(result.type == "throws");
  CHECK(result.value == "TypeError: rejected");
  result = eval(R"(new Promise((resolve) => {
      const order = [];
      const id = setTimeout(() => order.push('cancelled'), 5);
      clearTimeout(id);
      let n = 0;
      const every = setInterval(() => { order.push('tick' + ++n); if (n === 3) { clearInterval(every); resolve(order.join()); } }, 1);
      queueMicrotask(() => order.push('micro'));
    }))");
  CHECK(result.value == "micro,tick1,tick2,tick3");
}

TEST_CASE("runtime::Worker console output reaches the log with Deno formatting") {
  test_support::ScriptWorker worker;
  worker.eval("console.log({ a: 1, b: 'x' }, [1, 2]); console.error(new Map([['k', 1]]))");
  auto lines = worker.output();
  REQUIRE(lines.size() == 2);
  CHECK(lines[0] == R"(1:{ a: 1, b: "x" } [ 1, 2 ])");
  CHECK(lines[1] == R"(2:Map(1) { "k" => 1 })");
}

TEST_CASE("runtime::Worker gives Deno.env only what it was given") {
  runtime::WorkerOptions options;
  options.env = {{"GREETING", "hi"}};
  test_support::ScriptWorker worker(options);
  CHECK(worker.eval("Deno.env.get('GREETING')").value == "hi");
  CHECK(worker.eval("Deno.env.get('HOME')").type == "undefined");
  CHECK(worker.eval("Deno.env.has('PATH')").value == "false");
  CHECK(worker.eval("JSON.stringify(Deno.env.toObject())").value == R"({"GREETING":"hi"})");
}

TEST_SUITE_END();

TEST_SUITE_BEGIN("runtime");

TEST_CASE("runtime::Worker spare: made ahead, started later with a function's options") {
  runtime::Worker spare(runtime::Worker::Spare{}, 256);
  runtime::WorkerOptions options;
  options.name = "late";
  options.require_handler = false;
  options.env = {{"WHO", "spare"}};
  options.log = [](int, std::string_view) {};
  REQUIRE(spare.start(options));
  auto result = spare.eval("Deno.env.get('WHO') + ' ' + typeof Response").get();
  CHECK(result.value == "spare function");
  CHECK_FALSE(spare.start(options));  // only once
}

TEST_CASE("runtime::Worker spare: another memory limit, or a terminated spare, is refused") {
  runtime::WorkerOptions options;
  options.require_handler = false;
  options.limits.memory_limit_mb = 128;
  runtime::Worker spare(runtime::Worker::Spare{}, 256);
  CHECK_FALSE(spare.start(options));
  runtime::Worker ended(runtime::Worker::Spare{}, 128);
  ended.terminate(runtime::Failure::worker_error);
  CHECK_FALSE(ended.start(options));
}

TEST_SUITE_END();

TEST_SUITE_BEGIN("runtime");

TEST_CASE("runtime::WebSocket keeps its internals private and checks a client's URL") {
  auto result = test_support::eval(
      "Object.getOwnPropertyNames(WebSocket).filter((n) => !['length', 'name', 'prototype', "
      "'CONNECTING', 'OPEN', 'CLOSING', 'CLOSED'].includes(n)).join()");
  CHECK(result.value == "");
  result = test_support::eval("new WebSocket('ftp://example.com')");
  CHECK(result.type == "throws");
  CHECK(result.value ==
        "SyntaxError: Only ws & wss schemes are allowed in a WebSocket URL: received ftp:");
  // A client connection stays unopened until the loop runs it: the constructor returns.
  result = test_support::eval("new WebSocket('ws://127.0.0.1:1/').readyState");
  CHECK(result.value == "0");
}

TEST_SUITE_END();

TEST_CASE("runtime::Worker::eval settles when the worker ends before the promise does") {
  runtime::WorkerOptions options;
  options.require_handler = false;
  runtime::Worker worker(options);
  auto pending = worker.eval("new Promise(() => {})");
  auto settled = worker.eval("Promise.resolve(41 + 1)");
  REQUIRE(settled.wait_for(std::chrono::seconds(10)) == std::future_status::ready);
  CHECK(settled.get().value == "42");
  CHECK(pending.wait_for(std::chrono::milliseconds(50)) == std::future_status::timeout);
  worker.terminate(runtime::Failure::worker_error);
  REQUIRE(pending.wait_for(std::chrono::seconds(10)) == std::future_status::ready);
  auto result = pending.get();
  CHECK(result.type == "throws");
  CHECK(result.value == "Error: the worker ended before the promise settled");
}
