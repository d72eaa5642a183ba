import { assert, assertEquals, assertStrictEquals, assertThrows, assertThrowsDOMException } from "./assert.js";

Deno.test("TextEncoder: encode and encodeInto", () => {
  const enc = new TextEncoder();
  assertStrictEquals(enc.encoding, "utf-8");
  assertEquals(enc.encode("hé€😀"), new Uint8Array([104, 195, 169, 226, 130, 172, 240, 159, 152, 128]));
  assertEquals(enc.encode(), new Uint8Array([]));
  assertEquals(enc.encode("\ud800"), new Uint8Array([0xef, 0xbf, 0xbd]));
  const buf = new Uint8Array(5);
  const r = enc.encodeInto("a€😀", buf);
  assertEquals(r, { read: 2, written: 4 });
  assertEquals(buf, new Uint8Array([97, 226, 130, 172, 0]));
  assertThrows(() => enc.encodeInto("a", new ArrayBuffer(4)), TypeError);
});

Deno.test("TextDecoder: utf-8 basics, BOM, replacement", () => {
  const dec = new TextDecoder();
  assertStrictEquals(dec.encoding, "utf-8");
  assertStrictEquals(dec.fatal, false);
  assertStrictEquals(dec.ignoreBOM, false);
  assertStrictEquals(dec.decode(new Uint8Array([0xef, 0xbb, 0xbf, 0x68, 0x69])), "hi");
  assertStrictEquals(new TextDecoder("utf-8", { ignoreBOM: true }).decode(new Uint8Array([0xef, 0xbb, 0xbf, 0x68])), "\ufeffh");
  assertStrictEquals(dec.decode(new Uint8Array([0x61, 0xff, 0x62])), "a\ufffdb");
  assertStrictEquals(dec.decode(), "");
  assertStrictEquals(dec.decode(new Uint8Array([0x68, 0x69]).buffer), "hi");
  assertStrictEquals(dec.decode(new DataView(new Uint8Array([0x6f, 0x6b]).buffer)), "ok");
  assertStrictEquals(dec.decode(new Uint16Array([0x6968])), "hi");
});

Deno.test("TextDecoder: fatal throws TypeError", () => {
  const dec = new TextDecoder("utf-8", { fatal: true });
  assertStrictEquals(dec.fatal, true);
  assertThrows(() => dec.decode(new Uint8Array([0xc3])), TypeError);
  assertThrows(() => dec.decode(new Uint8Array([0xed, 0xa0, 0x80])), TypeError);
  assertStrictEquals(dec.decode(new Uint8Array([0xc3, 0xa9])), "é");
});

Deno.test("TextDecoder: labels", () => {
  assertStrictEquals(new TextDecoder("UTF8").encoding, "utf-8");
  assertStrictEquals(new TextDecoder(" unicode-1-1-utf-8 ").encoding, "utf-8");
  assertStrictEquals(new TextDecoder("utf-16").encoding, "utf-16le");
  assertStrictEquals(new TextDecoder("utf-16be").encoding, "utf-16be");
  assertStrictEquals(new TextDecoder("latin1").encoding, "windows-1252");
  assertStrictEquals(new TextDecoder("ascii").encoding, "windows-1252");
  assertStrictEquals(new TextDecoder("iso-8859-1").encoding, "windows-1252");
  assertThrows(() => new TextDecoder("nope"), RangeError);
});

Deno.test("TextDecoder: streaming utf-8 holds back partial sequences", () => {
  const dec = new TextDecoder();
  const bytes = new TextEncoder().encode("a€😀b");
  let out = "";
  for (const b of bytes) out += dec.decode(new Uint8Array([b]), { stream: true });
  out += dec.decode();
  assertStrictEquals(out, "a€😀b");
  // A truncated sequence at the end of the stream becomes U+FFFD.
  const d2 = new TextDecoder();
  assertStrictEquals(d2.decode(new Uint8Array([0x61, 0xe2, 0x82]), { stream: true }), "a");
  assertStrictEquals(d2.decode(), "\ufffd");
  // BOM split over chunks is still removed.
  const d3 = new TextDecoder();
  assertStrictEquals(d3.decode(new Uint8Array([0xef, 0xbb]), { stream: true }), "");
  assertStrictEquals(d3.decode(new Uint8Array([0xbf, 0x41]), { stream: true }), "A");
  assertStrictEquals(d3.decode(new Uint8Array([0xef, 0xbb, 0xbf])), "\ufeff");
});

Deno.test("TextDecoder: utf-16le/be and windows-1252", () => {
  assertStrictEquals(new TextDecoder("utf-16le").decode(new Uint8Array([0xff, 0xfe, 0x68, 0x00, 0x69, 0x00])), "hi");
  assertStrictEquals(new TextDecoder("utf-16be").decode(new Uint8Array([0x00, 0x68, 0xd8, 0x3d, 0xde, 0x00])), "h😀");
  assertStrictEquals(new TextDecoder("utf-16le").decode(new Uint8Array([0x00, 0xd8])), "\ufffd");
  assertThrows(() => new TextDecoder("utf-16le", { fatal: true }).decode(new Uint8Array([0x00, 0xd8])), TypeError);
  const d = new TextDecoder("utf-16le");
  assertStrictEquals(d.decode(new Uint8Array([0x68]), { stream: true }), "");
  assertStrictEquals(d.decode(new Uint8Array([0x00])), "h");
  assertStrictEquals(new TextDecoder("latin1").decode(new Uint8Array([0x41, 0x80, 0xe9, 0x9f])), "A€éŸ");
});

Deno.test("TextEncoderStream / TextDecoderStream", async () => {
  const input = ["hé", "\ud83d", "\ude00!"];
  const rs = new ReadableStream({
    start(c) {
      for (const s of input) c.enqueue(s);
      c.close();
    },
  });
  const encoded = rs.pipeThrough(new TextEncoderStream());
  const decoded = encoded.pipeThrough(new TextDecoderStream());
  let out = "";
  for await (const chunk of decoded) out += chunk;
  assertStrictEquals(out, "hé😀!");
  const ds = new TextDecoderStream("utf-16le", { fatal: true });
  assertStrictEquals(ds.encoding, "utf-16le");
  assertStrictEquals(ds.fatal, true);
  assertStrictEquals(new TextEncoderStream().encoding, "utf-8");
  assert(new TextEncoderStream().readable instanceof ReadableStream);
  assert(new TextEncoderStream().writable instanceof WritableStream);
});

Deno.test("btoa / atob", () => {
  assertStrictEquals(btoa(""), "");
  assertStrictEquals(btoa("f"), "Zg==");
  assertStrictEquals(btoa("fo"), "Zm8=");
  assertStrictEquals(btoa("foo"), "Zm9v");
  assertStrictEquals(btoa("\xff\xfe"), "//4=");
  assertStrictEquals(atob("Zm9v"), "foo");
  assertStrictEquals(atob("Zg"), "f");
  assertStrictEquals(atob(" Z m 9\nv "), "foo");
  assertStrictEquals(atob("//4="), "\xff\xfe");
  assertStrictEquals(atob(""), "");
  assertThrowsDOMException(() => btoa("€"), "InvalidCharacterError");
  assertThrowsDOMException(() => atob("Zm9vY"), "InvalidCharacterError");
  assertThrowsDOMException(() => atob("Zm9v!"), "InvalidCharacterError");
  assertThrowsDOMException(() => atob("Zg==="), "InvalidCharacterError");
  assertThrowsDOMException(() => atob("Z==="), "InvalidCharacterError");
  assertThrows(() => atob(), TypeError);
  const all = Array.from({ length: 256 }, (_, i) => String.fromCharCode(i)).join("");
  assertStrictEquals(atob(btoa(all)), all);
});

Deno.test("TextDecoder: views with an offset, small and large, and DataViews", () => {
  const small = new Uint8Array([0x78, 0x68, 0x69, 0x21, 0x78]);
  assertStrictEquals(new TextDecoder().decode(small.subarray(1, 4)), "hi!");
  assertStrictEquals(new TextDecoder().decode(new DataView(small.buffer, 1, 2)), "hi");
  const large = new Uint8Array(200).fill(0x61);
  large.set([0x62, 0x63], 100);
  assertStrictEquals(new TextDecoder().decode(large.subarray(99, 103)), "abca");
  assertStrictEquals(new TextDecoder().decode(large.buffer).length, 200);
});
