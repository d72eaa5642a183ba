// node: built-in behaviour that tests/js cannot pin because the oracle, Deno 2.9, departs
// from Node there: util.callbackify's callback never runs, and captureRejections does not
// route a rejected listener to 'error'. Node's documentation is the reference here.
#include "support/worker_fixture.hpp"

#include <doctest/doctest.h>

TEST_SUITE_BEGIN("runtime");

TEST_CASE("runtime::node util.callbackify calls back with the value or the rejection") {
  auto result = test_support::eval(R"JS(
    (async () => {
      const { callbackify } = process.getBuiltinModule("node:util");
      const ok = callbackify(async (x) => x * 2);
      const okResult = await new Promise((resolve) => ok(21, (err, value) => resolve([err, value])));
      const failing = callbackify(() => Promise.reject(null));
      const error = await new Promise((resolve) => failing((err) => resolve(err)));
      return JSON.stringify([okResult, error.code, error.reason]);
    })()
  )JS");
  CHECK(result.value == "[[null,42],\"ERR_FALSY_VALUE_REJECTION\",null]");
}

TEST_CASE("runtime::node EventEmitter captureRejections routes a rejected listener to 'error'") {
  auto result = test_support::eval(R"JS(
    (async () => {
      const EventEmitter = process.getBuiltinModule("node:events");
      const seen = [];
      const e = new EventEmitter({ captureRejections: true });
      e.on("error", (err) => seen.push("error:" + err.message));
      e.on("job", async () => { throw new Error("async failure"); });
      e.emit("job");
      const custom = new EventEmitter({ captureRejections: true });
      custom[EventEmitter.captureRejectionSymbol] = (err, type, arg) => seen.push(`custom:${err.message}:${type}:${arg}`);
      custom.on("job", () => Promise.reject(new Error("x")));
      custom.emit("job", 1);
      const plain = new EventEmitter();
      plain.on("error", () => seen.push("never"));
      plain.on("job", async () => {});
      plain.emit("job");
      await new Promise((resolve) => setTimeout(resolve, 10));
      return seen.join("|");
    })()
  )JS");
  CHECK(result.value == "error:async failure|custom:x:job:1");
}

TEST_SUITE_END();
