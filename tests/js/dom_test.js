import { assert, assertEquals, assertStrictEquals, assertThrows } from "./assert.js";

Deno.test("DOMException: name, message, code, prototype chain", () => {
  const e = new DOMException("bad thing", "NotFoundError");
  assertStrictEquals(e.name, "NotFoundError");
  assertStrictEquals(e.message, "bad thing");
  assertStrictEquals(e.code, 8);
  assert(e instanceof Error);
  assert(e instanceof DOMException);
  assertStrictEquals(typeof e.stack, "string");
  assertStrictEquals(new DOMException().name, "Error");
  assertStrictEquals(new DOMException().message, "");
  assertStrictEquals(new DOMException("x").code, 0);
  assertStrictEquals(new DOMException("x", "CustomName").code, 0);
  assertStrictEquals(new DOMException("x", "AbortError").code, 20);
  assertStrictEquals(new DOMException("x", "DataCloneError").code, 25);
  assertStrictEquals(new DOMException("x", "QuotaExceededError").code, 22);
  assertStrictEquals(Object.prototype.toString.call(e), "[object DOMException]");
  assertStrictEquals(String(e), "NotFoundError: bad thing");
});

Deno.test("DOMException: legacy code constants", () => {
  assertStrictEquals(DOMException.INDEX_SIZE_ERR, 1);
  assertStrictEquals(DOMException.DOMSTRING_SIZE_ERR, 2);
  assertStrictEquals(DOMException.INVALID_CHARACTER_ERR, 5);
  assertStrictEquals(DOMException.NOT_SUPPORTED_ERR, 9);
  assertStrictEquals(DOMException.SYNTAX_ERR, 12);
  assertStrictEquals(DOMException.VALIDATION_ERR, 16);
  assertStrictEquals(DOMException.ABORT_ERR, 20);
  assertStrictEquals(DOMException.TIMEOUT_ERR, 23);
  assertStrictEquals(DOMException.DATA_CLONE_ERR, 25);
  assertStrictEquals(new DOMException().TIMEOUT_ERR, 23);
});

Deno.test("DOMException: options bag with cause", () => {
  const cause = new Error("root");
  const e = new DOMException("m", { name: "SyntaxError", cause });
  assertStrictEquals(e.name, "SyntaxError");
  assertStrictEquals(e.code, 12);
  assertStrictEquals(e.cause, cause);
});

Deno.test("Event: basic attributes", () => {
  const ev = new Event("ping", { cancelable: true, bubbles: true });
  assertStrictEquals(ev.type, "ping");
  assertStrictEquals(ev.bubbles, true);
  assertStrictEquals(ev.cancelable, true);
  assertStrictEquals(ev.composed, false);
  assertStrictEquals(ev.defaultPrevented, false);
  assertStrictEquals(ev.isTrusted, false);
  assertStrictEquals(ev.target, null);
  assertStrictEquals(ev.eventPhase, Event.NONE);
  assertStrictEquals(typeof ev.timeStamp, "number");
  ev.preventDefault();
  assertStrictEquals(ev.defaultPrevented, true);
  assertStrictEquals(Event.AT_TARGET, 2);
  assertThrows(() => new Event(), TypeError);
});

Deno.test("Event: preventDefault is ignored when not cancelable", () => {
  const ev = new Event("x");
  ev.preventDefault();
  assertStrictEquals(ev.defaultPrevented, false);
});

Deno.test("EventTarget: listeners, once, capture flags, removal", () => {
  const t = new EventTarget();
  const calls = [];
  const a = (e) => calls.push(["a", e.type, e.target === t, e.currentTarget === t, e.eventPhase]);
  const b = { handleEvent: (e) => calls.push(["b", e.type]) };
  t.addEventListener("x", a);
  t.addEventListener("x", a); // duplicate ignored
  t.addEventListener("x", b, { once: true });
  assertStrictEquals(t.dispatchEvent(new Event("x")), true);
  t.dispatchEvent(new Event("x"));
  assertEquals(calls, [
    ["a", "x", true, true, 2],
    ["b", "x"],
    ["a", "x", true, true, 2],
  ]);
  t.removeEventListener("x", a);
  t.dispatchEvent(new Event("x"));
  assertStrictEquals(calls.length, 3);
});

Deno.test("EventTarget: dispatchEvent returns false when canceled", () => {
  const t = new EventTarget();
  t.addEventListener("c", (e) => e.preventDefault());
  assertStrictEquals(t.dispatchEvent(new Event("c", { cancelable: true })), false);
  assertStrictEquals(t.dispatchEvent(new Event("c")), true);
});

Deno.test("EventTarget: passive listeners cannot cancel", () => {
  const t = new EventTarget();
  t.addEventListener("c", (e) => e.preventDefault(), { passive: true });
  const ev = new Event("c", { cancelable: true });
  assertStrictEquals(t.dispatchEvent(ev), true);
  assertStrictEquals(ev.defaultPrevented, false);
});

Deno.test("EventTarget: stopImmediatePropagation", () => {
  const t = new EventTarget();
  const seen = [];
  t.addEventListener("s", (e) => {
    seen.push(1);
    e.stopImmediatePropagation();
  });
  t.addEventListener("s", () => seen.push(2));
  t.dispatchEvent(new Event("s"));
  assertEquals(seen, [1]);
});

Deno.test("EventTarget: signal option removes the listener", () => {
  const t = new EventTarget();
  const ac = new AbortController();
  let n = 0;
  t.addEventListener("e", () => n++, { signal: ac.signal });
  t.dispatchEvent(new Event("e"));
  ac.abort();
  t.dispatchEvent(new Event("e"));
  assertStrictEquals(n, 1);
});

Deno.test("EventTarget: dispatching a non-Event throws TypeError", () => {
  const t = new EventTarget();
  assertThrows(() => t.dispatchEvent({ type: "x" }), TypeError);
  assertThrows(() => t.addEventListener("x"), TypeError);
});

Deno.test("EventTarget: subclassing works", () => {
  class My extends EventTarget {}
  const m = new My();
  let got = null;
  m.addEventListener("hi", (e) => (got = e.target));
  m.dispatchEvent(new Event("hi"));
  assertStrictEquals(got, m);
});

Deno.test("CustomEvent: detail", () => {
  const ev = new CustomEvent("c", { detail: { x: 1 } });
  assertEquals(ev.detail, { x: 1 });
  assert(ev instanceof Event);
  assertStrictEquals(new CustomEvent("c").detail ?? null, null); // spec: null; Deno: undefined
});

Deno.test("ErrorEvent: attributes", () => {
  const err = new Error("e");
  const ev = new ErrorEvent("error", { message: "m", filename: "f.js", lineno: 3, colno: 4, error: err });
  assertStrictEquals(ev.message, "m");
  assertStrictEquals(ev.filename, "f.js");
  assertStrictEquals(ev.lineno, 3);
  assertStrictEquals(ev.colno, 4);
  assertStrictEquals(ev.error, err);
  const empty = new ErrorEvent("error");
  assertStrictEquals(empty.message, "");
  assertStrictEquals(empty.lineno, 0);
});

Deno.test("PromiseRejectionEvent: promise and reason", () => {
  const p = Promise.reject(new Error("r"));
  p.catch(() => {});
  const ev = new PromiseRejectionEvent("unhandledrejection", { promise: p, reason: 42, cancelable: true });
  assertStrictEquals(ev.promise, p);
  assertStrictEquals(ev.reason, 42);
  assertStrictEquals(ev.type, "unhandledrejection");
  assert(ev instanceof Event);
});

Deno.test("AbortController: abort with default reason", () => {
  const ac = new AbortController();
  const s = ac.signal;
  assertStrictEquals(s.aborted, false);
  assertStrictEquals(s.reason, undefined);
  let events = 0;
  let onabortCalls = 0;
  s.addEventListener("abort", (e) => {
    events++;
    assertStrictEquals(e.isTrusted, true);
  });
  s.onabort = () => onabortCalls++;
  ac.abort();
  ac.abort(); // second abort is a no-op
  assertStrictEquals(s.aborted, true);
  assert(s.reason instanceof DOMException);
  assertStrictEquals(s.reason.name, "AbortError");
  assertStrictEquals(events, 1);
  assertStrictEquals(onabortCalls, 1);
  assertThrows(() => s.throwIfAborted(), DOMException);
});

Deno.test("AbortController: custom reason is thrown by throwIfAborted", () => {
  const ac = new AbortController();
  const reason = new RangeError("why");
  ac.abort(reason);
  assertStrictEquals(ac.signal.reason, reason);
  assertThrows(() => ac.signal.throwIfAborted(), RangeError, "why");
});

Deno.test("AbortSignal.abort", () => {
  const s = AbortSignal.abort("r");
  assertStrictEquals(s.aborted, true);
  assertStrictEquals(s.reason, "r");
  assertStrictEquals(AbortSignal.abort().reason.name, "AbortError");
});

Deno.test("AbortSignal.timeout aborts with TimeoutError", async () => {
  const s = AbortSignal.timeout(5);
  assertStrictEquals(s.aborted, false);
  await new Promise((resolve) => s.addEventListener("abort", resolve));
  assertStrictEquals(s.aborted, true);
  assert(s.reason instanceof DOMException);
  assertStrictEquals(s.reason.name, "TimeoutError");
});

Deno.test("AbortSignal.any follows its sources", () => {
  const a = new AbortController();
  const b = new AbortController();
  const any = AbortSignal.any([a.signal, b.signal]);
  assertStrictEquals(any.aborted, false);
  b.abort("b-reason");
  assertStrictEquals(any.aborted, true);
  assertStrictEquals(any.reason, "b-reason");
  const pre = AbortSignal.any([AbortSignal.abort("x")]);
  assertStrictEquals(pre.reason, "x");
  assertThrows(() => AbortSignal.any([{}]), TypeError);
});
