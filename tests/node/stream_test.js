import { assert, assertEquals, assertStrictEquals } from "../js/assert.js";
import stream, { Duplex, PassThrough, Readable, Transform, Writable, finished, pipeline } from "node:stream";
import { pipeline as pipelinePromise, finished as finishedPromise } from "node:stream/promises";
import EventEmitter from "node:events";
import { Buffer } from "node:buffer";

function collect() {
  const chunks = [];
  const sink = new Writable({
    write(chunk, encoding, callback) {
      chunks.push(Buffer.from(chunk).toString());
      callback();
    },
  });
  return { sink, chunks };
}

Deno.test("node:stream: Readable.from, Transform and pipeline with a callback", async () => {
  const upper = new Transform({
    transform(chunk, encoding, callback) {
      callback(null, chunk.toString().toUpperCase());
    },
  });
  const { sink, chunks } = collect();
  const error = await new Promise((resolve) => pipeline(Readable.from(["a", "b", "c"]), upper, sink, resolve));
  assertStrictEquals(error ?? undefined, undefined);
  assertEquals(chunks, ["A", "B", "C"]);
  assert(upper instanceof Duplex && upper instanceof Readable);
  assert(sink instanceof EventEmitter && sink instanceof stream.Stream);
});

Deno.test("node:stream: a Readable in paused and flowing modes", async () => {
  const readable = new Readable({ read() {} });
  readable.push("hello ");
  readable.push("world");
  readable.push(null);
  readable.setEncoding("utf8");
  let text = "";
  readable.on("data", (chunk) => (text += chunk));
  await new Promise((resolve) => readable.on("end", resolve));
  assertStrictEquals(text, "hello world");

  let iterated = "";
  for await (const chunk of Readable.from(["x", "y"])) iterated += chunk;
  assertStrictEquals(iterated, "xy");
});

Deno.test("node:stream: Writable back-pressure and finish", async () => {
  const writes = [];
  const slow = new Writable({
    highWaterMark: 4,
    write(chunk, encoding, callback) {
      writes.push(chunk.toString());
      setTimeout(callback, 1);
    },
  });
  assertStrictEquals(slow.write("12345"), false);
  await new Promise((resolve) => slow.once("drain", resolve));
  slow.end("6");
  await new Promise((resolve) => finished(slow, resolve));
  assertEquals(writes, ["12345", "6"]);
  assert(slow.writableFinished);
});

Deno.test("node:stream: PassThrough, object mode and errors", async () => {
  const through = new PassThrough({ objectMode: true });
  const seen = [];
  through.on("data", (value) => seen.push(value));
  through.write({ n: 1 });
  through.end({ n: 2 });
  await new Promise((resolve) => through.on("end", resolve));
  assertEquals(seen, [{ n: 1 }, { n: 2 }]);

  const failing = new Readable({
    read() {
      this.destroy(new Error("broken source"));
    },
  });
  const { sink } = collect();
  let message = "";
  await pipelinePromise(failing, sink).catch((error) => (message = error.message));
  assertStrictEquals(message, "broken source");
});

Deno.test("node:stream/promises: pipeline and finished", async () => {
  const { sink, chunks } = collect();
  await pipelinePromise(Readable.from(["p", "q"]), sink);
  assertEquals(chunks, ["p", "q"]);
  const readable = Readable.from(["z"]);
  readable.resume();
  await finishedPromise(readable);
  assert(readable.readableEnded);
  assertStrictEquals(stream.promises.pipeline, pipelinePromise);
});

Deno.test("node:stream/web: the WHATWG streams, the same classes as the globals", async () => {
  const web = await import("node:stream/web");
  assertStrictEquals(web.ReadableStream, globalThis.ReadableStream);
  assertStrictEquals(web.WritableStream, globalThis.WritableStream);
  assertStrictEquals(web.TransformStream, globalThis.TransformStream);
  assertStrictEquals(web.TextEncoderStream, globalThis.TextEncoderStream);
  assertStrictEquals(web.CompressionStream, globalThis.CompressionStream);
  for (const name of ["ByteLengthQueuingStrategy", "CountQueuingStrategy", "ReadableByteStreamController",
    "ReadableStreamBYOBReader", "ReadableStreamBYOBRequest", "ReadableStreamDefaultController",
    "ReadableStreamDefaultReader", "TransformStreamDefaultController", "WritableStreamDefaultController",
    "WritableStreamDefaultWriter", "DecompressionStream", "TextDecoderStream"]) {
    assertStrictEquals(typeof web[name], "function", name);
  }
});

Deno.test("node:stream: Readable.toWeb/fromWeb and Writable.toWeb/fromWeb", async () => {
  const web = Readable.toWeb(Readable.from(["a", "b", "c"]));
  assert(web instanceof ReadableStream);
  const seen = [];
  for await (const chunk of web) seen.push(String(chunk));
  assertEquals(seen, ["a", "b", "c"]);

  const back = Readable.fromWeb(new ReadableStream({
    start(controller) {
      controller.enqueue(new TextEncoder().encode("x"));
      controller.enqueue(new TextEncoder().encode("y"));
      controller.close();
    },
  }));
  assert(back instanceof Readable);
  const parts = [];
  for await (const chunk of back) parts.push(Buffer.from(chunk).toString());
  assertEquals(parts.join(""), "xy");

  const { sink, chunks } = collect();
  const writer = Writable.toWeb(sink).getWriter();
  await writer.write(new TextEncoder().encode("w1"));
  await writer.close();
  assertEquals(chunks, ["w1"]);

  const written = [];
  const nodeWritable = Writable.fromWeb(new WritableStream({ write(chunk) { written.push(Buffer.from(chunk).toString()); } }));
  await new Promise((resolve, reject) => nodeWritable.end("to web", (err) => err ? reject(err) : resolve()));
  assertEquals(written, ["to web"]);
});

Deno.test("node:stream: Duplex.from, compose and the stream helpers", async () => {
  const upper = Duplex.from(async function* (source) {
    for await (const chunk of source) yield String(chunk).toUpperCase();
  });
  const { sink, chunks } = collect();
  await pipelinePromise(Readable.from(["ab", "cd"]), upper, sink);
  assertEquals(chunks.join(""), "ABCD");
  assertEquals(await Readable.from([1, 2, 3, 4]).filter((n) => n % 2 === 0).map((n) => n * 10).toArray(), [20, 40]);
  const r = Readable.from(["q"]);
  assert(stream.isReadable(r));
  assertStrictEquals(stream.isErrored(r), false);
  assertStrictEquals(typeof stream.getDefaultHighWaterMark(false), "number");
  const controller = new AbortController();
  const guarded = stream.addAbortSignal(controller.signal, new PassThrough());
  const closed = new Promise((resolve) => guarded.on("error", (e) => resolve(e.name)));
  controller.abort();
  assertStrictEquals(await closed, "AbortError");
});

Deno.test("node:stream: errors and cancellation cross between Node and web streams", async () => {
  const failing = new Readable({ read() {} });
  const web = Readable.toWeb(failing);
  const reader = web.getReader();
  failing.destroy(new Error("node side failed"));
  let message;
  try {
    await reader.read();
  } catch (error) {
    message = error.message;
  }
  assertStrictEquals(message, "node side failed");

  const source = new Readable({ read() {} });
  const destroyed = new Promise((resolve) => source.on("close", resolve));
  await Readable.toWeb(source).cancel(new Error("not needed"));
  await destroyed;
  assert(source.destroyed);

  let cancelledWith;
  const webSource = new ReadableStream({ pull() {}, cancel(reason) { cancelledWith = reason?.message; } });
  const nodeSide = Readable.fromWeb(webSource);
  nodeSide.on("error", () => {});
  nodeSide.destroy(new Error("stop reading"));
  await new Promise((resolve) => nodeSide.on("close", resolve));
  assertStrictEquals(cancelledWith, "stop reading");
});

Deno.test("node:stream: a full web queue pauses the Node readable", async () => {
  let reads = 0;
  const source = new Readable({
    highWaterMark: 4,
    read() {
      reads++;
      this.push(Buffer.from("0123456789"));
    },
  });
  const reader = Readable.toWeb(source, { strategy: { highWaterMark: 1 } }).getReader();
  const first = await reader.read();
  assertStrictEquals(first.value.byteLength, 10);
  await new Promise((resolve) => setTimeout(resolve, 20));
  assert(reads < 10, `the source kept being read: ${reads} reads`);
  await reader.cancel();
});

Deno.test("node:stream/consumers: a whole stream as text, JSON, bytes or a Blob", async () => {
  const consumers = await import("node:stream/consumers");
  const euro = new TextEncoder().encode("€");
  // A character split between two chunks stays whole.
  assertStrictEquals(await consumers.text(Readable.from([Buffer.from(euro.subarray(0, 1)), Buffer.from(euro.subarray(1))])), "€");
  assertEquals(await consumers.json(Readable.from(['{"a":', "[1,2]}"])), { a: [1, 2] });
  const web = new ReadableStream({
    start(controller) {
      controller.enqueue(new Uint8Array([1, 2]));
      controller.enqueue(new Uint8Array([3]));
      controller.close();
    },
  });
  const bytes = await consumers.buffer(web);
  assert(Buffer.isBuffer(bytes));
  assertEquals([...bytes], [1, 2, 3]);
  assertStrictEquals((await consumers.arrayBuffer(Readable.from([Buffer.from("xyz")]))).byteLength, 3);
  assertStrictEquals(await (await consumers.blob(Readable.from([Buffer.from("blob")]))).text(), "blob");
});
