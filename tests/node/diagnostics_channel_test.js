import { assert, assertEquals, assertStrictEquals, assertThrows } from "../js/assert.js";
import dc, { channel, hasSubscribers, subscribe, tracingChannel, unsubscribe } from "node:diagnostics_channel";
import { AsyncLocalStorage } from "node:async_hooks";

Deno.test("node:diagnostics_channel: publish to subscribers", () => {
  const ch = channel("sbfn:test:publish");
  assertStrictEquals(channel("sbfn:test:publish"), ch);
  assertStrictEquals(ch.name, "sbfn:test:publish");
  assertStrictEquals(ch.hasSubscribers, false);
  const seen = [];
  const onMessage = (message, name) => seen.push([message, name]);
  ch.subscribe(onMessage);
  assert(ch.hasSubscribers);
  assert(hasSubscribers("sbfn:test:publish"));
  ch.publish({ n: 1 });
  assertStrictEquals(ch.unsubscribe(onMessage), true);
  assertStrictEquals(ch.unsubscribe(onMessage), false);
  ch.publish({ n: 2 });
  assertEquals(seen, [[{ n: 1 }, "sbfn:test:publish"]]);
  assertStrictEquals(hasSubscribers("sbfn:test:publish"), false);
  assert(ch instanceof dc.Channel);
});

Deno.test("node:diagnostics_channel: subscribe and unsubscribe by name", () => {
  const seen = [];
  const onMessage = (message) => seen.push(message);
  subscribe("sbfn:test:named", onMessage);
  channel("sbfn:test:named").publish("x");
  assertStrictEquals(unsubscribe("sbfn:test:named", onMessage), true);
  channel("sbfn:test:named").publish("y");
  assertEquals(seen, ["x"]);
  assertThrows(() => channel(42), TypeError);
});

Deno.test("node:diagnostics_channel: bindStore and runStores", () => {
  const ch = channel("sbfn:test:stores");
  const storage = new AsyncLocalStorage();
  ch.bindStore(storage, (data) => ({ wrapped: data }));
  const result = ch.runStores("payload", (a) => [storage.getStore(), a], undefined, 7);
  assertEquals(result, [{ wrapped: "payload" }, 7]);
  assertStrictEquals(storage.getStore(), undefined);
  assertStrictEquals(ch.unbindStore(storage), true);
});

Deno.test("node:diagnostics_channel: tracing channels", async () => {
  const tc = tracingChannel("sbfn:test:trace");
  const events = [];
  const handlers = {
    start: (ctx) => events.push(["start", ctx.arg]),
    end: (ctx) => events.push(["end", ctx.result]),
    asyncStart: (ctx) => events.push(["asyncStart", ctx.result]),
    asyncEnd: (ctx) => events.push(["asyncEnd", ctx.result]),
    error: (ctx) => events.push(["error", ctx.error.message]),
  };
  tc.subscribe(handlers);
  assert(tc.hasSubscribers);
  assertStrictEquals(tc.traceSync((x) => x * 2, { arg: 1 }, undefined, 21), 42);
  assertThrows(() => tc.traceSync(() => {
    throw new Error("boom");
  }, { arg: 2 }));
  assertStrictEquals(await tc.tracePromise(async () => "done", { arg: 3 }), "done");
  assertEquals(events, [
    ["start", 1], ["end", 42],
    ["start", 2], ["error", "boom"], ["end", undefined],
    ["start", 3], ["end", undefined], ["asyncStart", "done"], ["asyncEnd", "done"],
  ]);
  events.length = 0;
  await new Promise((resolve) => {
    tc.traceCallback((cb) => queueMicrotask(() => cb(null, "cb-result")), 0, { arg: 4 }, undefined, (error, value) => {
      events.push(["callback", value]);
      resolve();
    });
  });
  assertEquals(events, [["start", 4], ["end", undefined], ["asyncStart", "cb-result"], ["callback", "cb-result"], ["asyncEnd", "cb-result"]]);
  assertStrictEquals(tc.unsubscribe(handlers), true);
  assertStrictEquals(tc.hasSubscribers, false);
});
