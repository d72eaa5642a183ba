import { assert, assertEquals, assertStrictEquals, assertThrows, assertThrowsDOMException } from "./assert.js";

Deno.test("structuredClone: deep copies values", () => {
  const d = new Date(5);
  const src = { a: [1, { b: 2 }], m: new Map([["k", new Set([1])]]), d, r: /x/g, u: new Uint8Array([1, 2]), n: null, big: 10n };
  src.self = src;
  const c = structuredClone(src);
  assert(c !== src);
  assertStrictEquals(c.self, c);
  assertEquals(c.a, [1, { b: 2 }]);
  assert(c.m instanceof Map && c.m.get("k") instanceof Set && c.m.get("k").has(1));
  assert(c.d instanceof Date && c.d.getTime() === 5 && c.d !== d);
  assertStrictEquals(String(c.r), "/x/g");
  assertEquals(c.u, new Uint8Array([1, 2]));
  assertStrictEquals(c.big, 10n);
  assertStrictEquals(structuredClone("s"), "s");
  assertStrictEquals(structuredClone(undefined), undefined);
  const e = structuredClone(new RangeError("bad"));
  assert(e instanceof RangeError);
  assertStrictEquals(e.message, "bad");
});

Deno.test("structuredClone: uncloneable values throw DataCloneError", () => {
  assertThrowsDOMException(() => structuredClone(() => 1), "DataCloneError");
  assertThrowsDOMException(() => structuredClone({ f() {} }), "DataCloneError");
  assertThrowsDOMException(() => structuredClone(Symbol("s")), "DataCloneError");
  const e = assertThrowsDOMException(() => structuredClone(() => 1), "DataCloneError");
  assertStrictEquals(e.code, 25);
  assertThrows(() => structuredClone(), TypeError);
});

Deno.test("structuredClone: transfer option is accepted", () => {
  const buf = new Uint8Array([1, 2, 3]).buffer;
  const out = structuredClone({ buf }, { transfer: [buf] });
  assertEquals(new Uint8Array(out.buf), new Uint8Array([1, 2, 3]));
  assertThrowsDOMException(() => structuredClone(1, { transfer: [{}] }), "DataCloneError");
});

Deno.test("crypto.getRandomValues", () => {
  const a = new Uint8Array(32);
  assertStrictEquals(crypto.getRandomValues(a), a);
  assert(a.some((x) => x !== 0));
  crypto.getRandomValues(new Uint32Array(4));
  crypto.getRandomValues(new BigInt64Array(2));
  crypto.getRandomValues(new Uint8ClampedArray(65536));
  assertThrowsDOMException(() => crypto.getRandomValues(new Uint8Array(65537)), "QuotaExceededError");
  assertThrowsDOMException(() => crypto.getRandomValues(new Float32Array(2)), "TypeMismatchError");
  assertThrowsDOMException(() => crypto.getRandomValues(new Float64Array(2)), "TypeMismatchError");
  // Not an ArrayBufferView: Web IDL says TypeError, Deno throws TypeMismatchError.
  assertThrows(() => crypto.getRandomValues(new ArrayBuffer(2)));
  assert(crypto instanceof Crypto);
});

Deno.test("crypto.randomUUID", () => {
  const u = crypto.randomUUID();
  assert(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/.test(u), u);
  assert(crypto.randomUUID() !== u);
});

Deno.test("performance: now, timeOrigin, marks, toJSON", () => {
  const t1 = performance.now();
  const t2 = performance.now();
  assert(t1 >= 0 && t2 >= t1);
  assert(Math.abs(performance.timeOrigin + performance.now() - Date.now()) < 1000);
  const m = performance.mark("m1", { detail: { x: 1 } });
  assertStrictEquals(m.name, "m1");
  assertStrictEquals(m.entryType, "mark");
  assertEquals(m.detail, { x: 1 });
  assert(m instanceof PerformanceEntry);
  performance.mark("m2");
  const meas = performance.measure("span", "m1", "m2");
  assertStrictEquals(meas.entryType, "measure");
  assert(meas.duration >= 0);
  assert(performance.getEntriesByName("m1").length >= 1);
  assert(performance.getEntriesByType("measure").some((e) => e.name === "span"));
  performance.clearMarks("m1");
  assertStrictEquals(performance.getEntriesByName("m1").length, 0);
  assertStrictEquals(typeof performance.toJSON().timeOrigin, "number");
  assert(performance instanceof EventTarget);
});

Deno.test("navigator", () => {
  assert(navigator.userAgent.startsWith("Deno/"), navigator.userAgent);
  assertStrictEquals(typeof navigator.hardwareConcurrency, "number");
  assert(navigator.hardwareConcurrency >= 1);
  assertStrictEquals(typeof navigator.language, "string");
  assert(navigator instanceof Navigator);
});

Deno.test("queueMicrotask runs before timers and in order", async () => {
  const order = [];
  const timer = new Promise((resolve) => setTimeout(() => {
    order.push("timeout");
    resolve();
  }, 0));
  queueMicrotask(() => order.push("m1"));
  queueMicrotask(() => order.push("m2"));
  order.push("sync");
  await timer;
  assertEquals(order, ["sync", "m1", "m2", "timeout"]);
  assertThrows(() => queueMicrotask("nope"), TypeError);
});

Deno.test("reportError dispatches an ErrorEvent on the global", () => {
  const err = new Error("reported");
  let got = null;
  const handler = (e) => {
    got = e;
    e.preventDefault();
  };
  globalThis.addEventListener("error", handler);
  try {
    reportError(err);
  } finally {
    globalThis.removeEventListener("error", handler);
  }
  assert(got instanceof ErrorEvent);
  assertStrictEquals(got.error, err);
  assert(got.message.includes("reported"), got.message);
  assertThrows(() => reportError(), TypeError);
});

Deno.test("console: methods exist", () => {
  for (const m of ["log", "info", "debug", "warn", "error", "trace", "assert", "dir", "table", "group", "groupEnd", "count", "countReset", "time", "timeEnd", "timeLog"]) {
    assertStrictEquals(typeof console[m], "function", m);
  }
});
