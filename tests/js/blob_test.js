import { assert, assertEquals, assertStrictEquals, assertThrows } from "./assert.js";

Deno.test("Blob: parts, size, type, text/bytes/arrayBuffer", async () => {
  const b = new Blob(["hé", new Uint8Array([33]), new Blob(["?"])], { type: "Text/Plain" });
  assertStrictEquals(b.size, 5);
  assertStrictEquals(b.type, "text/plain");
  assertStrictEquals(await b.text(), "hé!?");
  assertEquals(await b.bytes(), new Uint8Array([104, 195, 169, 33, 63]));
  const ab = await b.arrayBuffer();
  assert(ab instanceof ArrayBuffer);
  assertStrictEquals(ab.byteLength, 5);
  assertStrictEquals(new Blob().size, 0);
  assertStrictEquals(new Blob([], { type: "a\u0001b" }).type, "");
  assertThrows(() => new Blob("str"), TypeError);
});

Deno.test("Blob: parts are copied at construction", async () => {
  const u8 = new Uint8Array([1, 2]);
  const b = new Blob([u8]);
  u8[0] = 9;
  assertEquals(await b.bytes(), new Uint8Array([1, 2]));
});

Deno.test("Blob: slice", async () => {
  const b = new Blob(["abc", "def"]);
  assertStrictEquals(await b.slice(2, 4).text(), "cd");
  assertStrictEquals(await b.slice(-2).text(), "ef");
  assertStrictEquals(await b.slice(1, -1, "x/y").text(), "bcde");
  assertStrictEquals(b.slice(1, -1, "X/Y").type, "x/y");
  assertStrictEquals(b.slice(5, 1).size, 0);
});

Deno.test("Blob: stream", async () => {
  const chunks = [];
  for await (const c of new Blob(["xy", "z"]).stream()) chunks.push(...c);
  assertEquals(chunks, [120, 121, 122]);
});

Deno.test("File: name, lastModified, inheritance", async () => {
  const f = new File(["data"], "a.txt", { type: "text/plain", lastModified: 42 });
  assert(f instanceof Blob);
  assertStrictEquals(f.name, "a.txt");
  assertStrictEquals(f.lastModified, 42);
  assertStrictEquals(f.type, "text/plain");
  assertStrictEquals(await f.text(), "data");
  assertStrictEquals(typeof new File([], "n").lastModified, "number");
  assertThrows(() => new File([]), TypeError);
});

Deno.test("FormData: append/get/getAll/set/delete/has/iteration", () => {
  const fd = new FormData();
  fd.append("a", "1");
  fd.append("a", "2");
  fd.append("b", new Blob(["x"], { type: "text/plain" }));
  fd.append("c", new Blob(["y"]), "y.bin");
  assertStrictEquals(fd.get("a"), "1");
  assertEquals(fd.getAll("a"), ["1", "2"]);
  const b = fd.get("b");
  assert(b instanceof File);
  assertStrictEquals(b.name, "blob");
  assertStrictEquals(b.type, "text/plain");
  assertStrictEquals(fd.get("c").name, "y.bin");
  assertStrictEquals(fd.has("c"), true);
  fd.set("a", "3");
  assertEquals(fd.getAll("a"), ["3"]);
  fd.delete("c");
  assertStrictEquals(fd.has("c"), false);
  assertStrictEquals(fd.get("nope"), null);
  assertEquals([...fd.keys()], ["a", "b"]);
  assertStrictEquals([...fd.entries()][0][1], "3");
  const seen = [];
  fd.forEach((v, k) => seen.push(k));
  assertEquals(seen, ["a", "b"]);
  assertThrows(() => fd.append("x"), TypeError);
});

Deno.test("FormData: round trip through multipart/form-data", async () => {
  const fd = new FormData();
  fd.append("field", "value with\nnewline");
  fd.append("ünï", "çödé");
  fd.append("file", new File(["file body\r\n--not-a-boundary"], "f.txt", { type: "text/plain" }));
  const res = new Response(fd);
  const ct = res.headers.get("content-type");
  assert(ct.startsWith("multipart/form-data; boundary="), ct);
  const back = await res.formData();
  assertStrictEquals(back.get("field"), "value with\r\nnewline");
  assertStrictEquals(back.get("ünï"), "çödé");
  const file = back.get("file");
  assert(file instanceof File);
  assertStrictEquals(file.name, "f.txt");
  assertStrictEquals(file.type, "text/plain");
  assertStrictEquals(await file.text(), "file body\r\n--not-a-boundary");
});

Deno.test("FormData: parse a hand-written multipart body", async () => {
  const body =
    "--XyZ\r\n" +
    'Content-Disposition: form-data; name="a"\r\n\r\n' +
    "1\r\n" +
    "--XyZ\r\n" +
    'Content-Disposition: form-data; name="up"; filename="u.bin"\r\n' +
    "Content-Type: application/octet-stream\r\n\r\n" +
    "\x00\x01\r\n" +
    "--XyZ--\r\n";
  const req = new Request("http://x/", {
    method: "POST",
    body,
    headers: { "content-type": "multipart/form-data; boundary=XyZ" },
  });
  const fd = await req.formData();
  assertStrictEquals(fd.get("a"), "1");
  const up = fd.get("up");
  assertStrictEquals(up.name, "u.bin");
  assertEquals(await up.bytes(), new Uint8Array([0, 1]));
});

Deno.test("FormData: urlencoded bodies", async () => {
  const res = new Response("a=1&b=x+y&a=%C3%A9", {
    headers: { "content-type": "application/x-www-form-urlencoded" },
  });
  const fd = await res.formData();
  assertEquals(fd.getAll("a"), ["1", "é"]);
  assertStrictEquals(fd.get("b"), "x y");
});

Deno.test("FormData: wrong content type rejects with TypeError", async () => {
  let err;
  try {
    await new Response("x", { headers: { "content-type": "text/plain" } }).formData();
  } catch (e) {
    err = e;
  }
  assert(err instanceof TypeError);
});
