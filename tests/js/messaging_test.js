import { assert, assertEquals, assertStrictEquals, assertThrows, assertThrowsDOMException } from "./assert.js";

function nextMessage(target) {
  return new Promise((resolve) => target.addEventListener("message", resolve, { once: true }));
}

Deno.test("MessageEvent: constructor and defaults", () => {
  const e = new MessageEvent("message");
  assertStrictEquals(e.data, null);
  assertStrictEquals(e.origin, "");
  assertStrictEquals(e.lastEventId, "");
  assertStrictEquals(e.source, null);
  assertEquals(e.ports, []);
  assert(Object.isFrozen(e.ports));
  const f = new MessageEvent("x", { data: { a: 1 }, origin: "https://o", lastEventId: "7" });
  assertEquals(f.data, { a: 1 });
  assertStrictEquals(f.origin, "https://o");
  assertStrictEquals(f.lastEventId, "7");
  assert(f instanceof Event);
});

Deno.test("MessageChannel: messages arrive in order, cloned", async () => {
  const { port1, port2 } = new MessageChannel();
  const got = [];
  const done = new Promise((resolve) => {
    port2.onmessage = (e) => {
      got.push(e.data);
      if (got.length === 3) resolve();
    };
  });
  const obj = { n: 1, nested: [1, 2], when: new Date(0) };
  port1.postMessage(obj);
  port1.postMessage("two");
  port1.postMessage(3);
  obj.n = 99; // the message was cloned when posted
  await done;
  assertEquals(got[0], { n: 1, nested: [1, 2], when: new Date(0) });
  assertStrictEquals(got[1], "two");
  assertStrictEquals(got[2], 3);
  port1.close();
  port2.close();
});

Deno.test("MessageChannel: delivery is asynchronous and waits for start()", async () => {
  const { port1, port2 } = new MessageChannel();
  let received = null;
  port2.addEventListener("message", (e) => (received = e.data));
  port1.postMessage("queued");
  await new Promise((r) => setTimeout(r, 10));
  assertStrictEquals(received, null); // addEventListener does not start the port
  const p = nextMessage(port2);
  port2.start();
  assertStrictEquals(received, null); // not synchronous
  const e = await p;
  assertStrictEquals(e.data, "queued");
  assert(e instanceof MessageEvent);
  assertStrictEquals(e.target, port2);
  port1.close();
  port2.close();
});

Deno.test("MessageChannel: transferring an ArrayBuffer detaches it", async () => {
  const { port1, port2 } = new MessageChannel();
  const buf = new Uint8Array([1, 2, 3]).buffer;
  const p = nextMessage(port2);
  port2.start();
  port1.postMessage({ buf }, [buf]);
  assertStrictEquals(buf.byteLength, 0);
  const e = await p;
  assertEquals(new Uint8Array(e.data.buf), new Uint8Array([1, 2, 3]));
  const other = new Uint8Array([4]).buffer;
  port1.postMessage(other, { transfer: [other] });
  assertStrictEquals(other.byteLength, 0);
  assertEquals(new Uint8Array((await nextMessage(port2)).data), new Uint8Array([4]));
  port1.close();
  port2.close();
});

Deno.test("MessageChannel: transferring a port hands over its endpoint", async () => {
  const a = new MessageChannel();
  const b = new MessageChannel();
  a.port2.start();
  const p = nextMessage(a.port2);
  a.port1.postMessage("take this", [b.port1]);
  const e = await p;
  assertStrictEquals(e.data, "take this");
  assertStrictEquals(e.ports.length, 1);
  const moved = e.ports[0];
  assert(moved instanceof MessagePort);
  moved.start();
  const q = nextMessage(moved);
  b.port2.postMessage("via moved");
  assertStrictEquals((await q).data, "via moved");
  for (const port of [a.port1, a.port2, b.port1, b.port2, moved]) port.close();
});

Deno.test("MessageChannel: clone errors and bad transfer lists", () => {
  const { port1, port2 } = new MessageChannel();
  assertThrowsDOMException(() => port1.postMessage(() => {}), "DataCloneError");
  assertThrowsDOMException(() => port1.postMessage(Symbol("s")), "DataCloneError");
  const buf = new ArrayBuffer(1);
  assertThrowsDOMException(() => port1.postMessage(buf, [buf, buf]), "DataCloneError");
  assertThrowsDOMException(() => port1.postMessage(1, [port1]), "DataCloneError");
  assertThrows(() => port1.postMessage(), TypeError);
  port1.close();
  port2.close();
});

Deno.test("MessagePort: messages posted after close are dropped", async () => {
  const { port1, port2 } = new MessageChannel();
  const got = [];
  port2.onmessage = (e) => got.push(e.data);
  port1.postMessage(1); // already on its way: still delivered
  port2.close();
  port1.postMessage(2);
  port2.postMessage(3);
  await new Promise((r) => setTimeout(r, 10));
  assertEquals(got, [1]);
  port1.close();
});

Deno.test("BroadcastChannel: same-name channels receive, the sender does not", async () => {
  const a = new BroadcastChannel("room");
  const b = new BroadcastChannel("room");
  const c = new BroadcastChannel("other");
  assertStrictEquals(a.name, "room");
  let selfGot = 0;
  let otherGot = 0;
  a.onmessage = () => selfGot++;
  c.onmessage = () => otherGot++;
  const p = nextMessage(b);
  a.postMessage({ hello: "world" });
  const e = await p;
  assertEquals(e.data, { hello: "world" });
  assert(e instanceof MessageEvent);
  await new Promise((r) => setTimeout(r, 10));
  assertStrictEquals(selfGot, 0);
  assertStrictEquals(otherGot, 0);
  a.close();
  assertThrowsDOMException(() => a.postMessage(1), "InvalidStateError");
  b.close();
  c.close();
});
