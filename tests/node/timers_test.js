import { assertEquals, assertStrictEquals } from "../js/assert.js";
import timers, { clearTimeout as clearNodeTimeout, setInterval as setNodeInterval, setTimeout as setNodeTimeout } from "node:timers";
import { setImmediate as immediatePromise, setInterval as intervalIterator, setTimeout as sleep } from "node:timers/promises";

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

Deno.test("node:timers/promises: scheduler and cancellation", async () => {
  const { scheduler, setTimeout: later } = await import("node:timers/promises");
  assertStrictEquals(await scheduler.wait(1), undefined);
  assertStrictEquals(await scheduler.yield(), undefined);
  const controller = new AbortController();
  const pending = later(10_000, "never", { signal: controller.signal });
  controller.abort();
  const error = await pending.catch((e) => e);
  assertStrictEquals(error.name, "AbortError");
  assertStrictEquals(error.code, "ABORT_ERR");
});
