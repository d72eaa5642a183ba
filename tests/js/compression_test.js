import { assert, assertEquals, assertRejects, assertStrictEquals, assertThrows } from "./assert.js";

// "hello world\n" compressed by Python's zlib/gzip modules (an independent encoder).
const HELLO = "hello world\n";
const VECTORS = {
  gzip: [31, 139, 8, 0, 0, 0, 0, 0, 2, 3, 203, 72, 205, 201, 201, 87, 40, 207, 47, 202, 73, 225, 2, 0, 45, 59, 8, 175, 12, 0, 0, 0],
  deflate: [120, 156, 203, 72, 205, 201, 201, 87, 40, 207, 47, 202, 73, 225, 2, 0, 30, 114, 4, 103],
  "deflate-raw": [203, 72, 205, 201, 201, 87, 40, 207, 47, 202, 73, 225, 2, 0],
};

function streamOf(chunks) {
  return new ReadableStream({
    start(c) {
      for (const chunk of chunks) c.enqueue(chunk);
      c.close();
    },
  });
}

async function collect(readable) {
  return new Uint8Array(await new Response(readable).arrayBuffer());
}

function split(bytes, size) {
  const out = [];
  for (let i = 0; i < bytes.length; i += size) out.push(bytes.slice(i, i + size));
  return out;
}

Deno.test("DecompressionStream: published vectors, whole and byte by byte", async () => {
  for (const [format, bytes] of Object.entries(VECTORS)) {
    const u8 = new Uint8Array(bytes);
    const whole = await collect(streamOf([u8]).pipeThrough(new DecompressionStream(format)));
    assertStrictEquals(new TextDecoder().decode(whole), HELLO, format);
    const bytewise = await collect(streamOf(split(u8, 1)).pipeThrough(new DecompressionStream(format)));
    assertStrictEquals(new TextDecoder().decode(bytewise), HELLO, `${format} byte by byte`);
  }
});

Deno.test("CompressionStream: round trips in every format, large and empty", async () => {
  const big = new Uint8Array(300_000);
  for (let i = 0; i < big.length; i++) big[i] = (i * 7919) % 251;
  for (const format of ["gzip", "deflate", "deflate-raw"]) {
    const compressed = await collect(streamOf(split(big, 65536)).pipeThrough(new CompressionStream(format)));
    assert(compressed.length > 0 && compressed.length < big.length, format);
    const back = await collect(streamOf(split(compressed, 1000)).pipeThrough(new DecompressionStream(format)));
    assertEquals(back, big, format);
    const empty = await collect(streamOf([]).pipeThrough(new CompressionStream(format)));
    assert(empty.length > 0, `${format} empty input still makes a stream`);
    assertStrictEquals((await collect(streamOf([empty]).pipeThrough(new DecompressionStream(format)))).length, 0);
  }
  const gz = await collect(streamOf([new TextEncoder().encode("x")]).pipeThrough(new CompressionStream("gzip")));
  assertEquals([...gz.subarray(0, 3)], [0x1f, 0x8b, 8]);
});

Deno.test("CompressionStream: accepts ArrayBuffer and views, rejects other chunks", async () => {
  const data = new TextEncoder().encode("abcabcabc");
  const chunks = [data.buffer.slice(0, 3), new DataView(data.buffer, 3, 3), data.subarray(6)];
  const out = await collect(streamOf(chunks).pipeThrough(new CompressionStream("deflate")));
  const back = await collect(streamOf([out]).pipeThrough(new DecompressionStream("deflate")));
  assertStrictEquals(new TextDecoder().decode(back), "abcabcabc");
  const cs = new CompressionStream("gzip");
  const writer = cs.writable.getWriter();
  cs.readable.getReader().read().catch(() => {});
  await assertRejects(() => writer.write("not bytes"), TypeError);
});

Deno.test("Compression streams: bad format and missing argument", () => {
  assertThrows(() => new CompressionStream("br2"), TypeError);
  assertThrows(() => new DecompressionStream("zip"), TypeError);
  assertThrows(() => new CompressionStream(), TypeError);
  assertThrows(() => new DecompressionStream(), TypeError);
  assertStrictEquals(typeof new CompressionStream("deflate-raw").readable.getReader, "function");
});

Deno.test("DecompressionStream: corrupt, truncated and trailing input reject with TypeError", async () => {
  const garbage = new Uint8Array([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12]);
  for (const format of ["gzip", "deflate"]) {
    await assertRejects(() => collect(streamOf([garbage]).pipeThrough(new DecompressionStream(format))), TypeError);
  }
  const gz = new Uint8Array(VECTORS.gzip);
  // Truncated: the data ends before the gzip trailer.
  await assertRejects(() => collect(streamOf([gz.slice(0, 20)]).pipeThrough(new DecompressionStream("gzip"))), TypeError);
  // A wrong CRC-32 in the trailer.
  const badCrc = gz.slice();
  badCrc[gz.length - 8] ^= 0xff;
  await assertRejects(() => collect(streamOf([badCrc]).pipeThrough(new DecompressionStream("gzip"))), TypeError);
  // Bytes after the end of the compressed data.
  const junk = new Uint8Array(gz.length + 3);
  junk.set(gz);
  junk.set([1, 2, 3], gz.length);
  await assertRejects(() => collect(streamOf([junk]).pipeThrough(new DecompressionStream("gzip"))), TypeError);
});

Deno.test("DecompressionStream: a gzip Response body through pipeThrough", async () => {
  const res = new Response(new Uint8Array(VECTORS.gzip));
  const text = await new Response(res.body.pipeThrough(new DecompressionStream("gzip"))).text();
  assertStrictEquals(text, HELLO);
  // Cancelling the readable side releases the stream.
  const ds = new DecompressionStream("gzip");
  await ds.readable.cancel();
});
