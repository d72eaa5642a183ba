import { assert, assertEquals, assertStrictEquals, assertThrows } from "../js/assert.js";
import timers, { clearTimeout as clearNodeTimeout, setInterval as setNodeInterval, setTimeout as setNodeTimeout } from "node:timers";
import { setImmediate as immediatePromise, setInterval as intervalIterator, setTimeout as sleep } from "node:timers/promises";
import assertModule, { AssertionError, deepStrictEqual, strictEqual, throws } from "node:assert";
import strict from "node:assert/strict";

Deno.test("node:timers: Timeout objects", async () => {
  const fired = [];
  const timeout = setNodeTimeout((x) => fired.push(x), 1, "a");
  assertStrictEquals(typeof timeout, "object");
  assertStrictEquals(timeout.hasRef(), true);
  assertStrictEquals(timeout.unref(), timeout);
  assertStrictEquals(timeout.hasRef(), false);
  assertStrictEquals(typeof timeout[Symbol.toPrimitive](), "number");
  const cancelled = setNodeTimeout(() => fired.push("never"), 1);
  clearNodeTimeout(cancelled);
  let ticks = 0;
  await new Promise((resolve) => {
    const interval = setNodeInterval(() => {
      if (++ticks === 3) {
        clearNodeTimeout(interval);
        resolve();
      }
    }, 1);
  });
  await sleep(20);
  assertEquals(fired, ["a"]);
  assertStrictEquals(ticks, 3);
  assertStrictEquals(typeof timers.setImmediate, "function");
});

Deno.test("node:timers: setImmediate global and clearImmediate", async () => {
  const order = [];
  const immediate = setImmediate((x) => order.push(x), "immediate");
  const cancelled = setImmediate(() => order.push("never"));
  clearImmediate(cancelled);
  assertStrictEquals(typeof immediate, "object");
  await sleep(10);
  assertEquals(order, ["immediate"]);
});

Deno.test("node:timers/promises", async () => {
  assertStrictEquals(await sleep(1, "value"), "value");
  assertStrictEquals(await immediatePromise("now"), "now");
  const controller = new AbortController();
  const pending = sleep(10_000, null, { signal: controller.signal });
  controller.abort();
  let name = "";
  await pending.catch((error) => (name = error.name));
  assertStrictEquals(name, "AbortError");
  let count = 0;
  for await (const value of intervalIterator(1, "tick")) {
    assertStrictEquals(value, "tick");
    if (++count === 3) break;
  }
  assertStrictEquals(count, 3);
});

Deno.test("node:assert: passing and failing assertions", async () => {
  assertModule(true);
  assertModule.ok(1);
  strictEqual(1, 1);
  deepStrictEqual({ a: [1, 2] }, { a: [1, 2] });
  assertModule.deepEqual({ a: 1 }, { a: "1" });
  assertModule.notStrictEqual(1, 2);
  assertModule.match("abc", /b/);
  throws(() => {
    throw new TypeError("bad");
  }, TypeError);
  throws(() => {
    throw new Error("specific");
  }, /specific/);
  await assertModule.rejects(Promise.reject(new Error("no")), { message: "no" });
  await assertModule.doesNotReject(Promise.resolve(1));

  const failures = [
    () => strictEqual(1, 2),
    () => deepStrictEqual({ a: 1 }, { a: "1" }),
    () => assertModule(false),
    () => assertModule.ok(0, "custom message"),
    () => throws(() => {}),
    () => strict.equal(1, "1"),
  ];
  for (const fail of failures) {
    let error;
    try {
      fail();
    } catch (e) {
      error = e;
    }
    assert(error instanceof AssertionError, `expected an AssertionError from ${fail}`);
    assertStrictEquals(error.code, "ERR_ASSERTION");
    assertStrictEquals(error.name, "AssertionError");
  }
  try {
    assertModule.ok(0, "custom message");
  } catch (error) {
    assertStrictEquals(error.message, "custom message");
    assertStrictEquals(error.actual, 0);
    assertStrictEquals(error.expected, true);
    assertStrictEquals(error.operator, "==");
  }
  assertStrictEquals(strict.strict, strict);
  assertStrictEquals(assertModule.strict, strict);
  assertThrows(() => strict.deepEqual([1], ["1"]), AssertionError);
});
