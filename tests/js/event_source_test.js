// EventSource against real event streams (tests/js/servers/fetch_fixture.py's /sse/*,
// started on 127.0.0.1 by both harnesses): the parser, reconnection with Last-Event-ID,
// failed connections and close().
import { assert, assertEquals, assertStrictEquals, assertThrows } from "./assert.js";

const HTTP = Deno.env.get("SBFN_TEST_HTTP");
const ignore = !HTTP;
function netTest(name, fn) {
  Deno.test({ name, ignore, sanitizeResources: false, sanitizeOps: false, fn });
}

// Collects events until `until(log)` holds, then closes the source.
function collect(source, until) {
  const log = [];
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      source.close();
      reject(new Error(`timed out; got ${JSON.stringify(log)}`));
    }, 5000);
    const record = (ev) => {
      log.push({
        type: ev.type,
        data: ev.data,
        lastEventId: ev.lastEventId,
        origin: ev.origin,
        readyState: source.readyState,
        isMessageEvent: ev instanceof MessageEvent,
        isTrusted: ev.isTrusted,
      });
      if (until(log)) {
        clearTimeout(timer);
        source.close();
        resolve(log);
      }
    };
    for (const type of ["open", "message", "error", "custom"]) source.addEventListener(type, record);
  });
}

Deno.test("EventSource: interface, constants and constructor errors", () => {
  assertStrictEquals(EventSource.CONNECTING, 0);
  assertStrictEquals(EventSource.OPEN, 1);
  assertStrictEquals(EventSource.CLOSED, 2);
  // On the prototype too (Deno's are brand-checked getters there, so only their presence).
  assert("CLOSED" in EventSource.prototype && "OPEN" in EventSource.prototype);
  assert(EventSource.prototype instanceof EventTarget);
  assertThrows(() => new EventSource(), TypeError);
  assertThrows(() => new EventSource("http://[bad"), DOMException);
  assertThrows(() => EventSource(`http://127.0.0.1:1/`), TypeError);
});

netTest("EventSource: url, withCredentials, readyState and the handler attributes", async () => {
  const source = new EventSource(`${HTTP}/sse/hold`, { withCredentials: true });
  assertStrictEquals(source.url, `${HTTP}/sse/hold`);
  assertStrictEquals(source.withCredentials, true);
  assertStrictEquals(source.readyState, EventSource.CONNECTING);
  assertStrictEquals(source.onmessage, null);
  const seen = [];
  await new Promise((resolve) => {
    source.onopen = (ev) => seen.push(["open", source.readyState, ev.constructor.name]);
    source.onmessage = (ev) => {
      seen.push(["message", ev.data]);
      resolve();
    };
  });
  assertEquals(seen, [["open", 1, "Event"], ["message", "held"]]);
  source.close();
  assertStrictEquals(source.readyState, EventSource.CLOSED);
  assertStrictEquals(new EventSource(`${HTTP}/sse/hold`, {}).withCredentials, false);
});

netTest("EventSource: the event-stream parser", async () => {
  const source = new EventSource(`${HTTP}/sse/stream`);
  const log = await collect(source, (log) => log.some((e) => e.data === "cleared"));
  const events = log.filter((e) => e.type !== "open");
  assertStrictEquals(log[0].type, "open");
  assertEquals(events.map((e) => [e.type, e.data, e.lastEventId]), [
    ["message", "first", "1"],
    ["custom", "line1\nline2", "1"],
    ["message", "", "1"],
    ["message", "nul-id", "1"],
    ["message", "no-space\n two-spaces", "1"],
    ["message", "a\nb", "1"],
    ["message", "café", "1"],
    ["message", "cleared", ""],
  ]);
  for (const e of events) {
    assert(e.isMessageEvent);
    assert(e.isTrusted);
    assertStrictEquals(e.readyState, EventSource.OPEN);
    // The spec's origin is the stream's origin (sbfn); Deno gives the whole URL.
    assert(e.origin === HTTP || e.origin === `${HTTP}/sse/stream`, e.origin);
  }
});

netTest("EventSource: reconnects after the stream ends, sending Last-Event-ID", async () => {
  const source = new EventSource(`${HTTP}/sse/reconnect`);
  const log = await collect(source, (log) => log.filter((e) => e.type === "message").length === 3);
  assertEquals(log.map((e) => [e.type, e.readyState]), [
    ["open", 1],
    ["message", 1],
    ["message", 1],
    ["error", 0],
    ["open", 1],
    ["message", 1],
  ]);
  const last = JSON.parse(log[5].data);
  assertStrictEquals(last.last, "2");
  assertStrictEquals(last.accept, "text/event-stream");
  assertStrictEquals(log[5].lastEventId, "2");
});

netTest("EventSource: a non-200 status or another content type fails the connection", async () => {
  for (const path of ["/status?code=500", "/status?code=200", "/status?code=204"]) {
    const source = new EventSource(`${HTTP}${path}`);
    const events = [];
    await new Promise((resolve) => {
      source.onerror = (ev) => {
        events.push([ev.type, source.readyState, ev.constructor.name]);
        resolve();
      };
      source.onopen = () => events.push(["open"]);
    });
    // No reconnection: nothing more arrives.
    await new Promise((r) => setTimeout(r, 100));
    assertEquals(events, [["error", EventSource.CLOSED, "Event"]], path);
    source.close();
  }
});

netTest("EventSource: close() stops the stream and further events", async () => {
  const source = new EventSource(`${HTTP}/sse/hold`);
  const events = [];
  source.addEventListener("error", () => events.push("error"));
  await new Promise((resolve) => {
    source.onmessage = (ev) => {
      events.push(ev.data);
      source.close();
      resolve();
    };
  });
  await new Promise((r) => setTimeout(r, 100));
  assertEquals(events, ["held"]);
  assertStrictEquals(source.readyState, EventSource.CLOSED);
  // close() before the response arrives: no events at all.
  const early = new EventSource(`${HTTP}/sse/hold`);
  early.onopen = early.onmessage = early.onerror = () => events.push("late");
  early.close();
  await new Promise((r) => setTimeout(r, 100));
  assertEquals(events, ["held"]);
});
