import { assert, assertEquals, assertRejects, assertStrictEquals, assertThrows } from "../js/assert.js";
import zlib, {
  brotliCompress,
  brotliCompressSync,
  brotliDecompressSync,
  constants,
  crc32,
  createBrotliDecompress,
  createGunzip,
  createGzip,
  createInflate,
  deflateRawSync,
  deflateSync,
  gunzip,
  gunzipSync,
  gzip,
  gzipSync,
  inflateRawSync,
  inflateSync,
  unzipSync,
  zstdCompressSync,
  zstdDecompressSync,
} from "node:zlib";
import { Buffer } from "node:buffer";
import { promisify } from "node:util";
import { pipeline } from "node:stream/promises";
import { Readable, Writable } from "node:stream";

const text = "hello hello hello hello, zlib! ".repeat(200);

async function collect(stream) {
  const chunks = [];
  for await (const chunk of stream) chunks.push(chunk);
  return Buffer.concat(chunks);
}

async function viaWebStream(bytes, transform) {
  const stream = new Blob([bytes]).stream().pipeThrough(transform);
  return new Uint8Array(await new Response(stream).arrayBuffer());
}

// Fixed bytes made by zlib's reference implementation: `printf 'hello' | gzip -n` and
// `printf 'hello' | python3 -c 'import zlib,sys; ...compress(level=9)'`, and RFC 1950's
// smallest stream for empty input.
Deno.test("node:zlib: decompresses streams made elsewhere", () => {
  const gz = Buffer.from("1f8b0800000000000003cb48cdc9c9070086a6103605000000", "hex");
  assertStrictEquals(gunzipSync(gz).toString(), "hello");
  assertStrictEquals(unzipSync(gz).toString(), "hello");
  assertStrictEquals(inflateSync(Buffer.from("789c030000000001", "hex")).length, 0);
  assertStrictEquals(inflateSync(Buffer.from("78dacb48cdc9c90700062c0215", "hex")).toString(), "hello");
  assertStrictEquals(unzipSync(Buffer.from("78dacb48cdc9c90700062c0215", "hex")).toString(), "hello");
  assertStrictEquals(inflateRawSync(Buffer.from("cb48cdc9c90700", "hex")).toString(), "hello");
});

Deno.test("node:zlib: every sync format round-trips", () => {
  const input = Buffer.from(text);
  for (const [compress, decompress] of [
    [gzipSync, gunzipSync],
    [deflateSync, inflateSync],
    [deflateRawSync, inflateRawSync],
    [brotliCompressSync, brotliDecompressSync],
    [gzipSync, unzipSync],
    [deflateSync, unzipSync],
  ]) {
    const packed = compress(input);
    assert(Buffer.isBuffer(packed));
    assert(packed.length < input.length / 10, `${compress.name} compressed ${packed.length}`);
    assert(decompress(packed).equals(input), `${compress.name} / ${decompress.name}`);
  }
  // Strings, ArrayBuffers and typed arrays are input too.
  assertStrictEquals(gunzipSync(gzipSync("abc")).toString(), "abc");
  assertStrictEquals(inflateSync(deflateSync(new TextEncoder().encode("xyz").buffer)).toString(), "xyz");
  assertStrictEquals(gzipSync(input).subarray(0, 3).toString("hex"), "1f8b08");
});

Deno.test("node:zlib: options change the output", () => {
  const input = Buffer.from(text);
  const stored = deflateSync(input, { level: 0 });
  assert(stored.length > input.length, "level 0 stores");
  const best = deflateSync(input, { level: 9, memLevel: 9, windowBits: 15, strategy: constants.Z_DEFAULT_STRATEGY });
  assert(inflateSync(best).equals(input));
  const huffman = deflateSync(input, { strategy: constants.Z_HUFFMAN_ONLY });
  assert(huffman.length > best.length, "Huffman-only cannot use repeats");
  assert(inflateSync(huffman, { chunkSize: 64 }).equals(input));
  const small = deflateRawSync(input, { windowBits: 9 });
  assert(inflateRawSync(small, { windowBits: 9 }).equals(input));
  const dictionary = Buffer.from("hello zlib! ");
  const withDictionary = deflateSync(input, { dictionary });
  assert(inflateSync(withDictionary, { dictionary }).equals(input));
  const quick = brotliCompressSync(input, { params: { [constants.BROTLI_PARAM_QUALITY]: 1, [constants.BROTLI_PARAM_MODE]: constants.BROTLI_MODE_TEXT, [constants.BROTLI_PARAM_SIZE_HINT]: input.length } });
  assert(brotliDecompressSync(quick).equals(input));
});

Deno.test("node:zlib: invalid options throw Node's errors", () => {
  const e1 = assertThrows(() => deflateSync("x", { level: 10 }), RangeError);
  assertStrictEquals(e1.code, "ERR_OUT_OF_RANGE");
  const e2 = assertThrows(() => deflateSync("x", { windowBits: 99 }), RangeError);
  assertStrictEquals(e2.code, "ERR_OUT_OF_RANGE");
  const e3 = assertThrows(() => deflateSync("x", { memLevel: 0 }), RangeError);
  assertStrictEquals(e3.code, "ERR_OUT_OF_RANGE");
  const e4 = assertThrows(() => deflateSync("x", { chunkSize: 8 }), RangeError);
  assertStrictEquals(e4.code, "ERR_OUT_OF_RANGE");
  const e5 = assertThrows(() => gzipSync(42), TypeError);
  assertStrictEquals(e5.code, "ERR_INVALID_ARG_TYPE");
  assertThrows(() => gzip("x"), TypeError);
});

Deno.test("node:zlib: corrupt and truncated data fail with zlib's codes", () => {
  const bad = assertThrows(() => inflateSync(Buffer.from("not zlib data")), Error, "incorrect header check");
  assertStrictEquals(bad.code, "Z_DATA_ERROR");
  assertStrictEquals(bad.errno, constants.Z_DATA_ERROR);
  const gz = gzipSync(text);
  const truncated = assertThrows(() => gunzipSync(gz.subarray(0, gz.length - 10)), Error, "unexpected end of file");
  assertStrictEquals(truncated.code, "Z_BUF_ERROR");
  assertStrictEquals(truncated.errno, constants.Z_BUF_ERROR);
  // finishFlush: Z_SYNC_FLUSH reads what a truncated stream holds instead of failing.
  const partial = gunzipSync(gz.subarray(0, gz.length - 10), { finishFlush: constants.Z_SYNC_FLUSH });
  assert(partial.length > 0 && text.startsWith(partial.toString()), "a prefix of the text");
  assertThrows(() => inflateSync(deflateSync(text).subarray(0, 20)), Error, "unexpected end of file");
  assert(text.startsWith(inflateSync(deflateSync(text).subarray(0, 20), { finishFlush: constants.Z_SYNC_FLUSH }).toString()));
  const big = assertThrows(() => gunzipSync(gz, { maxOutputLength: 100 }), RangeError);
  assertStrictEquals(big.code, "ERR_BUFFER_TOO_LARGE");
});

Deno.test("node:zlib: gunzip reads concatenated members", () => {
  const both = Buffer.concat([gzipSync("abc"), gzipSync("def")]);
  assertStrictEquals(gunzipSync(both).toString(), "abcdef");
});

Deno.test("node:zlib: callback and promisified forms", async () => {
  const packed = await new Promise((resolve, reject) => gzip(text, (err, out) => (err ? reject(err) : resolve(out))));
  assert(Buffer.isBuffer(packed));
  assertStrictEquals(gunzipSync(packed).toString(), text);
  const unpacked = await promisify(gunzip)(packed);
  assertStrictEquals(unpacked.toString(), text);
  const withOptions = await promisify(zlib.deflate)(text, { level: 1 });
  assertStrictEquals(inflateSync(withOptions).toString(), text);
  const br = await promisify(brotliCompress)(Buffer.from(text));
  assertStrictEquals((await promisify(zlib.brotliDecompress)(br)).toString(), text);
  const error = await assertRejects(() => promisify(zlib.inflate)(Buffer.from("garbage!")));
  assertStrictEquals(error.code, "Z_DATA_ERROR");
  // A callback is always called later, never before the call returns.
  let called = false;
  zlib.deflate("x", () => (called = true));
  assert(!called);
});

Deno.test("node:zlib: a large input in the callback form, compared with the sync form", async () => {
  const big = Buffer.alloc(3 * 1024 * 1024 + 17);
  for (let i = 0; i < big.length; i++) big[i] = (i * 7 + (i >> 10)) & 0xff;
  const packed = await promisify(gzip)(big);
  assert(gunzipSync(packed).equals(big));
  const back = await promisify(gunzip)(gzipSync(big));
  assert(back.equals(big));
});

Deno.test("node:zlib: streaming classes through pipeline", async () => {
  const input = Buffer.from(text);
  const chunks = [input.subarray(0, 100), input.subarray(100, 3000), input.subarray(3000)];
  const packed = await collect(Readable.from(chunks).pipe(createGzip({ level: 6 })));
  assert(gunzipSync(packed).equals(input));
  const out = [];
  await pipeline(Readable.from([packed.subarray(0, 10), packed.subarray(10)]), createGunzip(), new Writable({
    write(chunk, _enc, cb) {
      out.push(chunk);
      cb();
    },
  }));
  assert(Buffer.concat(out).equals(input));
  const br = brotliCompressSync(input);
  assert((await collect(Readable.from([br]).pipe(createBrotliDecompress()))).equals(input));
  const failing = Readable.from([Buffer.from("bad data, not deflate")]).pipe(createInflate());
  const error = await assertRejects(() => collect(failing));
  assertStrictEquals(error.code, "Z_DATA_ERROR");
});

Deno.test("node:zlib: flush() emits what was written so far", async () => {
  const gz = createGzip();
  const seen = [];
  gz.on("data", (chunk) => seen.push(chunk));
  gz.write("first part ");
  await new Promise((resolve) => gz.flush(resolve));
  const partial = Buffer.concat(seen);
  assert(partial.length > 10);
  // What came out so far decompresses (a sync flush ends on a byte boundary).
  const inflater = createGunzip();
  const got = [];
  inflater.on("data", (c) => got.push(c));
  inflater.write(partial);
  await new Promise((resolve) => inflater.flush(resolve));
  assertStrictEquals(Buffer.concat(got).toString(), "first part ");
  gz.end("second part");
  await new Promise((resolve) => gz.on("end", resolve));
  assertStrictEquals(gunzipSync(Buffer.concat(seen)).toString(), "first part second part");
  assert(gz.bytesWritten >= 22);
});

Deno.test("node:zlib: interoperates with CompressionStream and DecompressionStream", async () => {
  const input = Buffer.from(text);
  for (const [format, compress, decompress] of [
    ["gzip", gzipSync, gunzipSync],
    ["deflate", deflateSync, inflateSync],
    ["deflate-raw", deflateRawSync, inflateRawSync],
  ]) {
    const fromNode = await viaWebStream(compress(input), new DecompressionStream(format));
    assert(Buffer.from(fromNode).equals(input), `${format}: node -> web`);
    const fromWeb = await viaWebStream(input, new CompressionStream(format));
    assert(decompress(Buffer.from(fromWeb)).equals(input), `${format}: web -> node`);
  }
});

Deno.test("node:zlib: crc32 and constants", () => {
  // The CRC-32 check value of "123456789" (the catalogue's CRC-32/ISO-HDLC).
  assertStrictEquals(crc32("123456789"), 0xcbf43926);
  assertStrictEquals(crc32(Buffer.from("123456789")), 0xcbf43926);
  assertStrictEquals(crc32("6789", crc32("12345")), 0xcbf43926);
  assertStrictEquals(crc32(""), 0);
  assertEquals(
    [constants.Z_NO_FLUSH, constants.Z_SYNC_FLUSH, constants.Z_FINISH, constants.Z_DATA_ERROR, constants.Z_BUF_ERROR, constants.Z_BEST_COMPRESSION],
    [0, 2, 4, -3, -5, 9],
  );
  assertEquals(
    [constants.BROTLI_OPERATION_FINISH, constants.BROTLI_PARAM_QUALITY, constants.BROTLI_MAX_QUALITY, constants.BROTLI_DEFAULT_WINDOW, constants.BROTLI_DECODE, constants.BROTLI_ENCODE],
    [2, 1, 11, 22, 8, 9],
  );
  assertStrictEquals(zlib.codes.Z_DATA_ERROR, -3);
  assertStrictEquals(typeof zlib.createDeflateRaw, "function");
  assertStrictEquals(typeof zlib.createUnzip, "function");
  assertStrictEquals(typeof zlib.createBrotliCompress, "function");
  assertStrictEquals(typeof zlib.inflateRaw, "function");
});

Deno.test("node:zlib: a decompression bomb stops at maxOutputLength", async () => {
  // 48 gzip members of 8 MiB of zeros each: about 400 KiB that would inflate to 384 MiB.
  const member = gzipSync(Buffer.alloc(8 * 1024 * 1024));
  const bomb = Buffer.concat(Array.from({ length: 48 }, () => member));
  assert(bomb.length < 1024 * 1024);
  const limit = 32 * 1024 * 1024;
  const sync = assertThrows(() => gunzipSync(bomb, { maxOutputLength: limit }), RangeError);
  assertStrictEquals(sync.code, "ERR_BUFFER_TOO_LARGE");
  const async = await assertRejects(() => promisify(gunzip)(bomb, { maxOutputLength: limit }), RangeError);
  assertStrictEquals(async.code, "ERR_BUFFER_TOO_LARGE");
  // A stream is not limited (as in Node): its reader sees the output piece by piece.
  let streamed = 0;
  for await (const chunk of Readable.from([bomb.subarray(0, member.length * 4)]).pipe(createGunzip({ maxOutputLength: limit }))) {
    streamed += chunk.length;
  }
  assertStrictEquals(streamed, 32 * 1024 * 1024);
});

// `printf hello | zstd -19 -c` (the reference CLI, with its content checksum).
Deno.test("node:zlib: zstd", async () => {
  assertStrictEquals(zstdDecompressSync(Buffer.from("28b52ffd046829000068656c6c6fa36d9f88", "hex")).toString(), "hello");
  const input = Buffer.from(text);
  const packed = zstdCompressSync(input);
  assertStrictEquals(packed.subarray(0, 4).toString("hex"), "28b52ffd");
  assert(packed.length < input.length / 10);
  assert(zstdDecompressSync(packed).equals(input));
  const best = zstdCompressSync(input, { params: { [constants.ZSTD_c_compressionLevel]: 19, [constants.ZSTD_c_checksumFlag]: 1 } });
  assert(zstdDecompressSync(best).equals(input));
  const viaCallback = await promisify(zlib.zstdCompress)(input);
  assert((await promisify(zlib.zstdDecompress)(viaCallback)).equals(input));
  const streamed = await collect(Readable.from([input.subarray(0, 1000), input.subarray(1000)]).pipe(zlib.createZstdCompress()));
  assert((await collect(Readable.from([streamed]).pipe(zlib.createZstdDecompress()))).equals(input));
  assertThrows(() => zstdDecompressSync(Buffer.from("not zstd data at all")));
  assertEquals([constants.ZSTD_e_end, constants.ZSTD_c_compressionLevel, constants.ZSTD_COMPRESS, constants.ZSTD_DECOMPRESS], [2, 100, 10, 11]);
});
