import { assert, assertEquals, assertRejects, assertStrictEquals, assertThrows } from "./assert.js";

Deno.test("Headers: case-insensitive, combined, sorted", () => {
  const h = new Headers({ "X-B": "2", "x-a": "1" });
  h.append("X-A", "3");
  assertStrictEquals(h.get("x-a"), "1, 3");
  assertStrictEquals(h.get("X-B"), "2");
  assertStrictEquals(h.has("X-b"), true);
  assertStrictEquals(h.get("nope"), null);
  assertEquals([...h], [["x-a", "1, 3"], ["x-b", "2"]]);
  assertEquals([...h.keys()], ["x-a", "x-b"]);
  h.set("x-a", "only");
  assertStrictEquals(h.get("x-a"), "only");
  h.delete("X-B");
  assertStrictEquals(h.has("x-b"), false);
});

Deno.test("Headers: init forms and value normalisation", () => {
  assertStrictEquals(new Headers([["a", "1"], ["b", "2"]]).get("b"), "2");
  assertStrictEquals(new Headers(new Headers({ c: "3" })).get("c"), "3");
  assertStrictEquals(new Headers({ a: "  padded\t " }).get("a"), "padded");
  assertThrows(() => new Headers([["a"]]), TypeError);
  assertThrows(() => new Headers("bad"), TypeError);
});

Deno.test("Headers: a record gives its own enumerable string keys, in property order", () => {
  const entries = (init) => [...new Headers(init)].map(([k, v]) => `${k}=${v}`).join(",");
  // Integer keys first, then insertion order (sorted on iteration anyway); symbol keys and
  // inherited or non-enumerable properties are left out, as in Deno.
  const own = Object.create({ inherited: "no" });
  own.b = "2";
  own[1] = "one";
  own[Symbol("s")] = "x";
  Object.defineProperty(own, "hidden", { value: "no", enumerable: false });
  assertStrictEquals(entries(own), "1=one,b=2");
  let gets = 0;
  assertStrictEquals(entries({ get a() { return `got${++gets}`; } }), "a=got1");
  // A Proxy sees the spec's own-keys and descriptor calls.
  const traps = [];
  const proxy = new Proxy({ a: "1" }, {
    ownKeys(target) { traps.push("ownKeys"); return Reflect.ownKeys(target); },
    getOwnPropertyDescriptor(target, key) { traps.push(`descriptor ${String(key)}`); return Reflect.getOwnPropertyDescriptor(target, key); },
  });
  assertStrictEquals(entries(proxy), "a=1");
  assertEquals(traps, ["ownKeys", "descriptor a"]);
  assertThrows(() => new Headers({ "bad name": "x" }), TypeError);
});

Deno.test("Headers: invalid names and values throw TypeError", () => {
  const h = new Headers();
  assertThrows(() => h.append("bad name", "v"), TypeError);
  assertThrows(() => h.append("", "v"), TypeError);
  assertThrows(() => h.append("é", "v"), TypeError);
  assertThrows(() => h.append("a", "line\nbreak"), TypeError);
  assertThrows(() => h.append("a", "nul\0"), TypeError);
  assertThrows(() => h.get("bad name"), TypeError);
  assertThrows(() => h.set("a", "€"), TypeError);
});

Deno.test("Headers: set-cookie is not combined", () => {
  const h = new Headers();
  h.append("Set-Cookie", "a=1");
  h.append("set-cookie", "b=2");
  h.append("x", "y");
  assertEquals(h.getSetCookie(), ["a=1", "b=2"]);
  assertStrictEquals(h.get("set-cookie"), "a=1, b=2");
  assertEquals([...h], [["set-cookie", "a=1"], ["set-cookie", "b=2"], ["x", "y"]]);
  assertEquals(new Headers().getSetCookie(), []);
});

Deno.test("Headers: forEach", () => {
  const seen = [];
  new Headers({ b: "2", a: "1" }).forEach((v, k) => seen.push(`${k}=${v}`));
  assertEquals(seen, ["a=1", "b=2"]);
});

Deno.test("Headers: immutable guard on Response.error/redirect", () => {
  assertThrows(() => Response.error().headers.set("a", "b"), TypeError);
  assertThrows(() => Response.redirect("http://x/").headers.append("a", "b"), TypeError);
});

Deno.test("Response: defaults and body types", async () => {
  const r = new Response();
  assertStrictEquals(r.status, 200);
  assertStrictEquals(r.ok, true);
  assertStrictEquals(r.statusText, "");
  assertStrictEquals(r.type, "default");
  assertStrictEquals(r.url, "");
  assertStrictEquals(r.redirected, false);
  assertStrictEquals(r.body, null);
  assertStrictEquals(r.bodyUsed, false);
  assertStrictEquals(await r.text(), "");

  const s = new Response("héllo");
  assertStrictEquals(s.headers.get("content-type"), "text/plain;charset=UTF-8");
  assertStrictEquals(await s.text(), "héllo");
  assertStrictEquals(s.bodyUsed, true);
  await assertRejects(() => s.text(), TypeError);

  assertEquals(await new Response(new Uint8Array([1, 2])).bytes(), new Uint8Array([1, 2]));
  assertEquals(new Uint8Array(await new Response(new Uint16Array([0x0201]).buffer).arrayBuffer()), new Uint8Array([1, 2]));
  assertEquals(await new Response(new DataView(new Uint8Array([7]).buffer)).bytes(), new Uint8Array([7]));
  const blobRes = new Response(new Blob(["b"], { type: "x/y" }));
  assertStrictEquals(blobRes.headers.get("content-type"), "x/y");
  assertStrictEquals(await blobRes.text(), "b");
  const usp = new Response(new URLSearchParams({ q: "a b" }));
  assertStrictEquals(usp.headers.get("content-type"), "application/x-www-form-urlencoded;charset=UTF-8");
  assertStrictEquals(await usp.text(), "q=a+b");
  assertEquals(await new Response('{"a":[1]}').json(), { a: [1] });
  const blob = await new Response("zz", { headers: { "content-type": "text/zz" } }).blob();
  assertStrictEquals(blob.type, "text/zz");
  assertStrictEquals(await blob.text(), "zz");
});

Deno.test("Response: ReadableStream bodies", async () => {
  const enc = new TextEncoder();
  const stream = new ReadableStream({
    start(c) {
      c.enqueue(enc.encode("ab"));
      c.enqueue(enc.encode("c"));
      c.close();
    },
  });
  const r = new Response(stream);
  assertStrictEquals(r.body, stream);
  assertStrictEquals(await r.text(), "abc");
  assertStrictEquals(r.bodyUsed, true);
  const locked = new ReadableStream();
  locked.getReader();
  assertThrows(() => new Response(locked), TypeError);
});

Deno.test("Response: body getter gives a stream of bytes", async () => {
  const r = new Response("xyz");
  const body = r.body;
  assert(body instanceof ReadableStream);
  assertStrictEquals(r.body, body);
  assertStrictEquals(r.bodyUsed, false);
  const reader = body.getReader();
  const bytes = [];
  for (;;) {
    const { value, done } = await reader.read();
    if (done) break;
    assert(value instanceof Uint8Array);
    bytes.push(...value);
  }
  assertEquals(bytes, [120, 121, 122]);
  assertStrictEquals(r.bodyUsed, true);
  await assertRejects(() => r.text(), TypeError);
});

Deno.test("Response: clone tees the body", async () => {
  const r = new Response("shared");
  const c = r.clone();
  assertStrictEquals(await r.text(), "shared");
  assertStrictEquals(await c.text(), "shared");
  assertThrows(() => r.clone(), TypeError);
  const s = new Response(ReadableStream.from([new Uint8Array([1]), new Uint8Array([2])]));
  const s2 = s.clone();
  assertEquals(await s.bytes(), new Uint8Array([1, 2]));
  assertEquals(await s2.bytes(), new Uint8Array([1, 2]));
  const h = new Response(null, { status: 201, statusText: "Made", headers: { a: "1" } }).clone();
  assertStrictEquals(h.status, 201);
  assertStrictEquals(h.statusText, "Made");
  assertStrictEquals(h.headers.get("a"), "1");
});

Deno.test("Response: status validation", () => {
  assertThrows(() => new Response(null, { status: 199 }), RangeError);
  assertThrows(() => new Response(null, { status: 600 }), RangeError);
  assertThrows(() => new Response(null, { status: 0 }), RangeError);
  assertStrictEquals(new Response(null, { status: 599 }).status, 599);
  assertStrictEquals(new Response(null, { status: 404 }).ok, false);
  assertThrows(() => new Response("body", { status: 204 }), TypeError);
  assertThrows(() => new Response("body", { status: 304 }), TypeError);
  assertStrictEquals(new Response(null, { status: 204 }).body, null);
  assertStrictEquals(new Response("", { status: 205 - 5 }).status, 200);
  assertThrows(() => new Response(null, { statusText: "bad\n" }), TypeError);
});

Deno.test("Response.json / redirect / error", async () => {
  const j = Response.json({ a: 1 }, { status: 201, headers: { "x-y": "z" } });
  assertStrictEquals(j.status, 201);
  assertStrictEquals(j.headers.get("content-type"), "application/json");
  assertStrictEquals(j.headers.get("x-y"), "z");
  assertEquals(await j.json(), { a: 1 });
  assertThrows(() => Response.json(undefined), TypeError);
  const custom = Response.json([1], { headers: { "content-type": "application/vnd+json" } });
  assertStrictEquals(custom.headers.get("content-type"), "application/vnd+json");

  const r = Response.redirect("http://example.com/a b", 307);
  assertStrictEquals(r.status, 307);
  assertStrictEquals(r.headers.get("location"), "http://example.com/a%20b");
  assertStrictEquals(Response.redirect("http://x/").status, 302);
  assertThrows(() => Response.redirect("http://x/", 200), RangeError);
  assertThrows(() => Response.redirect("nope"), TypeError);

  const e = Response.error();
  assertStrictEquals(e.type, "error");
  assertStrictEquals(e.status, 0);
  assertStrictEquals(e.ok, false);
});

Deno.test("Request: defaults", () => {
  const r = new Request("https://example.com/p?q=1");
  assertStrictEquals(r.method, "GET");
  assertStrictEquals(r.url, "https://example.com/p?q=1");
  assertStrictEquals(r.body, null);
  assertStrictEquals(r.bodyUsed, false);
  assertStrictEquals(r.redirect, "follow");
  assertStrictEquals(r.mode, "cors");
  assertStrictEquals(r.credentials, "same-origin");
  assertStrictEquals(r.cache, "default");
  assertStrictEquals(r.integrity, "");
  assertStrictEquals(r.keepalive, false);
  assert(r.signal instanceof AbortSignal);
  assertStrictEquals(r.signal.aborted, false);
  assert(r.headers instanceof Headers);
  assertStrictEquals(new Request(new URL("http://h/x")).url, "http://h/x");
});

Deno.test("Request: method normalisation and validation", () => {
  assertStrictEquals(new Request("http://x/", { method: "post" }).method, "POST");
  assertStrictEquals(new Request("http://x/", { method: "delete" }).method, "DELETE");
  assertStrictEquals(new Request("http://x/", { method: "patch" }).method, "patch");
  assertStrictEquals(new Request("http://x/", { method: "PATCH" }).method, "PATCH");
  assertStrictEquals(new Request("http://x/", { method: "Custom" }).method, "Custom");
  assertThrows(() => new Request("http://x/", { method: "CONNECT" }), TypeError);
  assertThrows(() => new Request("http://x/", { method: "trace" }), TypeError);
  assertThrows(() => new Request("http://x/", { method: "bad method" }), TypeError);
  assertThrows(() => new Request("http://x/", { method: "GET", body: "x" }), TypeError);
  assertThrows(() => new Request("http://x/", { method: "HEAD", body: "x" }), TypeError);
  assertThrows(() => new Request("/relative"), TypeError);
  assertThrows(() => new Request("http://x/", { redirect: "sometimes" }), TypeError);
});

Deno.test("Request: bodies and headers", async () => {
  const r = new Request("http://x/", {
    method: "POST",
    body: JSON.stringify({ k: "v" }),
    headers: { "Content-Type": "application/json", "X-Id": "7" },
  });
  assertStrictEquals(r.headers.get("content-type"), "application/json");
  assertStrictEquals(r.headers.get("x-id"), "7");
  assertEquals(await r.json(), { k: "v" });
  assertStrictEquals(r.bodyUsed, true);
  const t = new Request("http://x/", { method: "PUT", body: "plain" });
  assertStrictEquals(t.headers.get("content-type"), "text/plain;charset=UTF-8");
  assertStrictEquals(await t.text(), "plain");
});

Deno.test("Request: stream body with duplex half", async () => {
  const r = new Request("http://x/", {
    method: "POST",
    body: ReadableStream.from([new TextEncoder().encode("streamed")]),
    duplex: "half",
  });
  assertStrictEquals(await r.text(), "streamed");
});

Deno.test("Request: from another Request, clone", async () => {
  const a = new Request("http://x/a", { method: "POST", body: "payload", headers: { h: "1" } });
  const c = a.clone();
  assertStrictEquals(c.method, "POST");
  assertStrictEquals(c.headers.get("h"), "1");
  assertStrictEquals(await c.text(), "payload");
  const b = new Request(a, { headers: { h: "2" } });
  assertStrictEquals(b.url, "http://x/a");
  assertStrictEquals(b.method, "POST");
  assertStrictEquals(b.headers.get("h"), "2");
  assertStrictEquals(await b.text(), "payload");
  assertStrictEquals(a.bodyUsed, true);
});

Deno.test("Request: signal follows the init signal", () => {
  const ac = new AbortController();
  const r = new Request("http://x/", { signal: ac.signal });
  assertStrictEquals(r.signal.aborted, false);
  ac.abort("gone");
  assertStrictEquals(r.signal.aborted, true);
  assertStrictEquals(r.signal.reason, "gone");
  const pre = new Request("http://x/", { signal: AbortSignal.abort("early") });
  assertStrictEquals(pre.signal.reason, "early");
  assertThrows(() => new Request("http://x/", { signal: {} }), TypeError);
});
