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
