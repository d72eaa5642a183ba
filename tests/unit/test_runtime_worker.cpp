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
