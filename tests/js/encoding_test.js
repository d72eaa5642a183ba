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

Deno.test("TextDecoder: single-byte legacy encodings (WHATWG indexes)", () => {
  const cases = [
    ["iso-8859-2", [0xa1, 0xb1], "\u0104\u0105"],
    ["iso-8859-5", [0xb0, 0xd0], "\u0410\u0430"],
    ["iso-8859-7", [0xc1, 0xe1], "\u0391\u03b1"],
    ["iso-8859-15", [0xa4], "\u20ac"],
    ["iso-8859-16", [0xa1], "\u0104"],
    ["koi8-r", [0xc1, 0xe1], "\u0430\u0410"],
    ["koi8-u", [0xa4], "\u0454"],
    ["windows-1251", [0xc0, 0xe0, 0x88], "\u0410\u0430\u20ac"],
    ["windows-1250", [0x8a], "\u0160"],
    ["windows-1253", [0xc1], "\u0391"],
    ["windows-874", [0xa1], "\u0e01"],
    ["ibm866", [0x80, 0xa0], "\u0410\u0430"],
    ["macintosh", [0x80, 0xa5], "\u00c4\u2022"],
    ["x-mac-cyrillic", [0x80], "\u0410"],
    ["x-user-defined", [0x41, 0x80, 0xff], "A\uf780\uf7ff"],
  ];
  for (const [label, bytes, expected] of cases) {
    const dec = new TextDecoder(label);
    assertStrictEquals(dec.encoding, label);
    assertStrictEquals(dec.decode(new Uint8Array([0x41, ...bytes])), "A" + expected, label);
  }
});

Deno.test("TextDecoder: single-byte unmapped bytes, fatal and streaming", () => {
  // 0xA1 has no mapping in iso-8859-8 (Hebrew).
  assertStrictEquals(new TextDecoder("iso-8859-8").decode(new Uint8Array([0x61, 0xa1])), "a\ufffd");
  assertThrows(() => new TextDecoder("iso-8859-8", { fatal: true }).decode(new Uint8Array([0xa1])), TypeError);
  assertStrictEquals(new TextDecoder("iso-8859-8", { fatal: true }).decode(new Uint8Array([0xe0])), "\u05d0");
  const dec = new TextDecoder("koi8-r");
  assertStrictEquals(dec.decode(new Uint8Array([0xc1]), { stream: true }) + dec.decode(new Uint8Array([0xc2])), "\u0430\u0431");
  // No BOM handling for single-byte encodings: EF BB BF are three characters.
  assertStrictEquals(new TextDecoder("windows-1252").decode(new Uint8Array([0xef, 0xbb, 0xbf])), "\u00ef\u00bb\u00bf");
});

Deno.test("TextDecoder: legacy labels map to their encodings", () => {
  const labels = {
    latin2: "iso-8859-2", l2: "iso-8859-2", "iso_8859-2:1987": "iso-8859-2", cyrillic: "iso-8859-5",
    greek: "iso-8859-7", hebrew: "iso-8859-8", logical: "iso-8859-8-i", "csisolatin9": "iso-8859-15",
    koi: "koi8-r", koi8: "koi8-r", "koi8-ru": "koi8-u", cp1251: "windows-1251", "x-cp1250": "windows-1250",
    "iso-8859-9": "windows-1254", latin5: "windows-1254", "tis-620": "windows-874", "iso-8859-11": "windows-874",
    "866": "ibm866", mac: "macintosh", "x-mac-ukrainian": "x-mac-cyrillic", "  KOI8-R\n": "koi8-r",
  };
  for (const [label, name] of Object.entries(labels)) {
    assertStrictEquals(new TextDecoder(label).encoding, name, label);
  }
  // "replacement" labels and non-labels are RangeErrors.
  for (const label of ["iso-2022-kr", "hz-gb-2312", "replacement", "latin11", "koi8-x", "utf-32"]) {
    assertThrows(() => new TextDecoder(label), RangeError);
  }
});

Deno.test("TextDecoder: streaming splits every multi-byte character at every point", () => {
  const text = "aé€😀\u0800\uffff\u{10ffff}z";
  const bytes = new TextEncoder().encode(text);
  for (let cut = 0; cut <= bytes.length; cut++) {
    for (let cut2 = cut; cut2 <= bytes.length; cut2++) {
      const dec = new TextDecoder("utf-8", { fatal: true });
      const out =
        dec.decode(bytes.subarray(0, cut), { stream: true }) +
        dec.decode(bytes.subarray(cut, cut2), { stream: true }) +
        dec.decode(bytes.subarray(cut2));
      assertStrictEquals(out, text, `cuts ${cut},${cut2}`);
    }
  }
  const u16 = new Uint8Array([0x3d, 0xd8, 0x00, 0xde, 0x41, 0x00]); // 😀A in utf-16le
  for (let cut = 0; cut <= u16.length; cut++) {
    const dec = new TextDecoder("utf-16le");
    assertStrictEquals(dec.decode(u16.subarray(0, cut), { stream: true }) + dec.decode(u16.subarray(cut)), "😀A");
  }
  // A sequence cut at the end of the stream is one U+FFFD.
  assertStrictEquals(new TextDecoder().decode(new Uint8Array([0xf0, 0x9f, 0x98])), "\ufffd");
});

Deno.test("TextDecoderStream: split characters and legacy encodings", async () => {
  const bytes = new TextEncoder().encode("€😀");
  const chunks = [...bytes].map((b) => new Uint8Array([b]));
  const stream = new ReadableStream({
    start(c) {
      for (const chunk of chunks) c.enqueue(chunk);
      c.close();
    },
  }).pipeThrough(new TextDecoderStream());
  let out = "";
  for await (const s of stream) out += s;
  assertStrictEquals(out, "€😀");
  const koi = new TextDecoderStream("koi8-r");
  assertStrictEquals(koi.encoding, "koi8-r");
  const w = koi.writable.getWriter();
  w.write(new Uint8Array([0xc1]));
  w.close();
  let k = "";
  for await (const s of koi.readable) k += s;
  assertStrictEquals(k, "\u0430");
});
