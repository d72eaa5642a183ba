import { assert, assertEquals, assertStrictEquals, assertThrows } from "../js/assert.js";
import EventEmitter, { captureRejectionSymbol, errorMonitor, getEventListeners, on, once } from "node:events";
import * as events from "node:events";

Deno.test("node:events: emit, once, prepend, remove", () => {
  assertStrictEquals(events.EventEmitter, EventEmitter);
  assertStrictEquals(events.default, EventEmitter);
  const e = new EventEmitter();
  const seen = [];
  e.on("x", (a, b) => seen.push(`on:${a}${b}`));
  e.once("x", () => seen.push("once"));
  e.prependListener("x", () => seen.push("first"));
  assert(e.emit("x", 1, 2));
  e.emit("x", 3, 4);
  assertEquals(seen, ["first", "on:12", "once", "first", "on:34"]);
  assertStrictEquals(e.listenerCount("x"), 2);
  assertStrictEquals(getEventListeners(e, "x").length, 2);
  e.removeAllListeners("x");
  assertStrictEquals(e.emit("x"), false);
  assertEquals(e.eventNames(), []);
});

Deno.test("node:events: an unhandled 'error' throws; errorMonitor sees it first", () => {
  const e = new EventEmitter();
  const monitored = [];
  e.on(errorMonitor, (err) => monitored.push(err.message));
  assertThrows(() => e.emit("error", new Error("bad")), Error, "bad");
  assertEquals(monitored, ["bad"]);
  e.on("error", () => monitored.push("handled"));
  e.emit("error", new Error("again"));
  assertEquals(monitored, ["bad", "again", "handled"]);
});

Deno.test("node:events: util.inherits-style subclassing works", async () => {
  const { inherits } = await import("node:util");
  function Legacy() {
    EventEmitter.call(this);
  }
  inherits(Legacy, EventEmitter);
  const l = new Legacy();
  let got = 0;
  l.on("n", (n) => (got = n));
  l.emit("n", 7);
  assertStrictEquals(got, 7);
  assert(l instanceof EventEmitter);
  class Modern extends EventEmitter {}
  assert(new Modern() instanceof EventEmitter);
});

Deno.test("node:events: once() resolves with the arguments, rejects on 'error'", async () => {
  const e = new EventEmitter();
  queueMicrotask(() => e.emit("ready", 1, 2));
  assertEquals(await once(e, "ready"), [1, 2]);
  queueMicrotask(() => e.emit("error", new Error("nope")));
  let message = "";
  await once(e, "ready").catch((err) => (message = err.message));
  assertStrictEquals(message, "nope");
  const controller = new AbortController();
  const pending = once(e, "never", { signal: controller.signal });
  controller.abort();
  let name = "";
  await pending.catch((err) => (name = err.name));
  assertStrictEquals(name, "AbortError");
  assertStrictEquals(e.listenerCount("never"), 0);
});

Deno.test("node:events: on() iterates events until returned", async () => {
  const e = new EventEmitter();
  queueMicrotask(() => {
    e.emit("data", "a");
    e.emit("data", "b");
    e.emit("data", "c");
  });
  const got = [];
  for await (const [value] of on(e, "data")) {
    got.push(value);
    if (got.length === 3) break;
  }
  assertEquals(got, ["a", "b", "c"]);
  assertStrictEquals(e.listenerCount("data"), 0);
});

Deno.test("node:events: captureRejections option is validated", () => {
  assertStrictEquals(EventEmitter.captureRejections, false);
  assertStrictEquals(typeof captureRejectionSymbol, "symbol");
  assertStrictEquals(captureRejectionSymbol, Symbol.for("nodejs.rejection"));
  assertThrows(() => new EventEmitter({ captureRejections: "yes" }), TypeError);
});

Deno.test("node:events: max listeners", () => {
  const e = new EventEmitter();
  assertStrictEquals(e.getMaxListeners(), EventEmitter.defaultMaxListeners);
  e.setMaxListeners(1);
  assertStrictEquals(e.getMaxListeners(), 1);
  assertThrows(() => e.setMaxListeners(-1), RangeError);
});

Deno.test("node:events: EventEmitterAsyncResource runs listeners in its context", async () => {
  const { EventEmitterAsyncResource } = await import("node:events");
  const { AsyncLocalStorage } = await import("node:async_hooks");
  const storage = new AsyncLocalStorage();
  const emitter = storage.run("made", () => new EventEmitterAsyncResource({ name: "SbfnEmitter" }));
  const seen = [];
  emitter.on("event", () => seen.push(storage.getStore()));
  storage.run("elsewhere", () => emitter.emit("event"));
  assertStrictEquals(seen[0], "made");
  assertStrictEquals(typeof emitter.asyncId, "number");
});
