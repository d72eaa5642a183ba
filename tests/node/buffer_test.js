import { assert, assertEquals, assertStrictEquals, assertThrows } from "../js/assert.js";
import { Buffer, constants, isAscii, isUtf8, kMaxLength } from "node:buffer";
import bufferModule from "node:buffer";

Deno.test("node:buffer: Buffer is the global Buffer, a Uint8Array", () => {
  assertStrictEquals(Buffer, globalThis.Buffer);
  assertStrictEquals(bufferModule.Buffer, Buffer);
  const b = Buffer.from("hi");
  assert(b instanceof Uint8Array);
  assert(Buffer.isBuffer(b));
  assert(!Buffer.isBuffer(new Uint8Array(2)));
  assertStrictEquals(constants.MAX_LENGTH, kMaxLength);
});

Deno.test("node:buffer: encodings both ways", () => {
  const text = "héllo €😀";
  assertStrictEquals(Buffer.from(text).toString(), text);
  assertStrictEquals(Buffer.from(text, "utf8").length, 14);
  assertStrictEquals(Buffer.byteLength(text), 14);
  assertStrictEquals(Buffer.from("hello").toString("hex"), "68656c6c6f");
  assertStrictEquals(Buffer.from("68656c6c6f", "hex").toString(), "hello");
  assertStrictEquals(Buffer.from("hello?>").toString("base64"), "aGVsbG8/Pg==");
  assertStrictEquals(Buffer.from("hello?>").toString("base64url"), "aGVsbG8_Pg");
  assertStrictEquals(Buffer.from("aGVsbG8_Pg", "base64url").toString(), "hello?>");
  assertStrictEquals(Buffer.from("aGVsbG8/Pg==", "base64").toString(), "hello?>");
  assertStrictEquals(Buffer.byteLength("aGVsbG8_Pg", "base64url"), 7);
  assert(Buffer.isEncoding("base64url"));
  assert(Buffer.isEncoding("UTF-8"));
  assert(!Buffer.isEncoding("nope"));
  assertStrictEquals(Buffer.from([0xe9, 0x41]).toString("latin1"), "éA");
  assertStrictEquals(Buffer.from("éA", "latin1").toString("hex"), "e941");
  assertStrictEquals(Buffer.from("hi", "utf16le").toString("hex"), "68006900");
  assertStrictEquals(Buffer.from([0x61, 0xff, 0x62]).toString(), "a\ufffdb");
  assertStrictEquals(Buffer.from("hello world").toString("utf8", 6, 11), "world");
  assertStrictEquals(Buffer.from("hello").toString("utf8", 4, 2), "");
});

Deno.test("node:buffer: alloc, write, read, compare, concat", () => {
  const b = Buffer.alloc(8);
  assertStrictEquals(b.write("ab"), 2);
  assertStrictEquals(b.write("_w8", 2, "base64url"), 2);
  b.writeUInt32BE(0xdeadbeef, 4);
  assertStrictEquals(b.readUInt32BE(4), 0xdeadbeef);
  assertStrictEquals(b.readUInt16LE(4), 0xadde);
  assertEquals([...b.subarray(0, 4)], [0x61, 0x62, 0xff, 0x0f]);
  const big = Buffer.alloc(8);
  big.writeBigInt64LE(-2n);
  assertStrictEquals(big.readBigInt64LE(), -2n);
  assertStrictEquals(Buffer.alloc(3, "ab").toString(), "aba");
  assertStrictEquals(Buffer.concat([Buffer.from("a"), Buffer.from("bc")]).toString(), "abc");
  assertStrictEquals(Buffer.compare(Buffer.from("a"), Buffer.from("b")), -1);
  assert(Buffer.from("abc").equals(Buffer.from("abc")));
  assertStrictEquals(Buffer.from("hello").indexOf("l"), 2);
  assert(Buffer.from("hello").includes("ell"));
  assertEquals(Buffer.from("hi").toJSON(), { type: "Buffer", data: [104, 105] });
  assertStrictEquals(Buffer.from(new Uint8Array([1, 2, 3]).buffer, 1, 1)[0], 2);
  assertThrows(() => Buffer.alloc(2).readUInt32LE(0), RangeError);
});

Deno.test("node:buffer: isUtf8 and isAscii", () => {
  assert(isUtf8(Buffer.from("é")));
  assert(!isUtf8(new Uint8Array([0xff])));
  assert(isAscii(Buffer.from("abc")));
  assert(!isAscii(Buffer.from("é")));
});

Deno.test("node:buffer: transcode and resolveObjectURL", async () => {
  const { transcode, resolveObjectURL } = await import("node:buffer");
  assertStrictEquals(transcode(Buffer.from("€uro"), "utf8", "utf16le").toString("utf16le"), "€uro");
  assertStrictEquals(transcode(Buffer.from("€uro"), "utf8", "ascii").toString("ascii"), "?uro");
  assertStrictEquals(transcode(Buffer.from("café"), "utf8", "latin1").toString("latin1"), "café");
  const url = URL.createObjectURL(new Blob(["blob text"]));
  const blob = resolveObjectURL(url);
  assertStrictEquals(await blob.text(), "blob text");
  URL.revokeObjectURL(url);
  assertStrictEquals(resolveObjectURL(url), undefined);
});
