import { assert, assertEquals, assertRejects, assertStrictEquals, assertThrows } from "./assert.js";

Deno.test("ReadableStream: default reader", async () => {
  const rs = new ReadableStream({
    start(c) {
      c.enqueue("a");
      c.enqueue("b");
      c.close();
    },
  });
  assertStrictEquals(rs.locked, false);
  const reader = rs.getReader();
  assert(reader instanceof ReadableStreamDefaultReader);
  assertStrictEquals(rs.locked, true);
  assertEquals(await reader.read(), { value: "a", done: false });
  assertEquals(await reader.read(), { value: "b", done: false });
  assertEquals(await reader.read(), { value: undefined, done: true });
  assertThrows(() => rs.getReader(), TypeError);
});

Deno.test("ReadableStream: async iteration and ReadableStream.from", async () => {
  async function* gen() {
    yield 1;
    yield 2;
    yield 3;
  }
  const out = [];
  for await (const v of ReadableStream.from(gen())) out.push(v);
  assertEquals(out, [1, 2, 3]);
  const out2 = [];
  for await (const v of ReadableStream.from(["x", "y"])) out2.push(v);
  assertEquals(out2, ["x", "y"]);
  const rs = ReadableStream.from([1, 2, 3]);
  for await (const v of rs.values({ preventCancel: true })) {
    assertStrictEquals(v, 1);
    break;
  }
  assertEquals(await rs.getReader().read(), { value: 2, done: false });
});

Deno.test("ReadableStream: cancel and errors", async () => {
  let reason;
  const rs = new ReadableStream({ cancel(r) { reason = r; } });
  await rs.cancel("why");
  assertStrictEquals(reason, "why");
  const bad = new ReadableStream({ start(c) { c.error(new TypeError("boom")); } });
  await assertRejects(() => bad.getReader().read(), TypeError, "boom");
});

Deno.test("ReadableStream: byte stream with BYOB reader", async () => {
  const rs = new ReadableStream({
    type: "bytes",
    start(c) {
      c.enqueue(new Uint8Array([1, 2, 3, 4]));
      c.close();
    },
  });
  const reader = rs.getReader({ mode: "byob" });
  assert(reader instanceof ReadableStreamBYOBReader);
  const { value, done } = await reader.read(new Uint8Array(2));
  assertStrictEquals(done, false);
  assertEquals(value, new Uint8Array([1, 2]));
  const r2 = await reader.read(new Uint8Array(8));
  assertEquals(r2.value, new Uint8Array([3, 4]));
});

Deno.test("ReadableStream: tee", async () => {
  const [a, b] = ReadableStream.from(["p", "q"]).tee();
  const all = async (s) => {
    const out = [];
    for await (const v of s) out.push(v);
    return out;
  };
  assertEquals(await all(a), ["p", "q"]);
  assertEquals(await all(b), ["p", "q"]);
});

Deno.test("WritableStream: writer and sink", async () => {
  const chunks = [];
  let closed = false;
  const ws = new WritableStream({
    write(chunk) {
      chunks.push(chunk);
    },
    close() {
      closed = true;
    },
  });
  const w = ws.getWriter();
  assert(w instanceof WritableStreamDefaultWriter);
  await w.write("one");
  await w.write("two");
  await w.close();
  assertEquals(chunks, ["one", "two"]);
  assertStrictEquals(closed, true);
});

Deno.test("TransformStream and pipeTo", async () => {
  const upper = new TransformStream({
    transform(chunk, controller) {
      controller.enqueue(chunk.toUpperCase());
    },
  });
  const out = [];
  await ReadableStream.from(["a", "b"]).pipeThrough(upper).pipeTo(
    new WritableStream({ write: (c) => void out.push(c) }),
  );
  assertEquals(out, ["A", "B"]);
});

Deno.test("pipeTo honours an AbortSignal", async () => {
  const ac = new AbortController();
  const rs = new ReadableStream({ pull() { return new Promise(() => {}); } });
  const p = rs.pipeTo(new WritableStream(), { signal: ac.signal });
  ac.abort(new RangeError("stop"));
  await assertRejects(() => p, RangeError, "stop");
});

Deno.test("Queuing strategies", () => {
  const b = new ByteLengthQueuingStrategy({ highWaterMark: 16 });
  assertStrictEquals(b.highWaterMark, 16);
  assertStrictEquals(b.size(new Uint8Array(5)), 5);
  const c = new CountQueuingStrategy({ highWaterMark: 2 });
  assertStrictEquals(c.highWaterMark, 2);
  assertStrictEquals(c.size("anything"), 1);
});

Deno.test("Stream controllers cannot be constructed", () => {
  assertThrows(() => new ReadableStreamDefaultController(), TypeError);
  assertThrows(() => new ReadableByteStreamController(), TypeError);
  assertThrows(() => new WritableStreamDefaultController(), TypeError);
  assertThrows(() => new TransformStreamDefaultController(), TypeError);
  assertThrows(() => new ReadableStreamBYOBRequest(), TypeError);
});
