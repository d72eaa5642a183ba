// Developer check of fetch_internals.js (not a Deno.test: real Deno has no such module).
//   node src/runtime/js/web/dev/node_harness.mjs --script src/runtime/js/web/dev/fetch_internals_check.js
import { createRequestFromNative, readResponseForNative } from "../fetch_internals.js";
(async () => {
  const out = [];
  const req = createRequestFromNative("POST", "http://localhost/x?y=1", ["Content-Type", "application/json", "X-A", "1", "x-a", "2"], new TextEncoder().encode('{"k":1}'), null);
  out.push(req.method, req.url, req.headers.get("x-a"), req.headers.get("content-type"), req.signal.aborted);
  out.push(JSON.stringify(await req.json()), req.bodyUsed);
  const ac = new AbortController();
  const r2 = createRequestFromNative("GET", "http://h/", [], null, ac.signal);
  ac.abort(); out.push(r2.signal.aborted, r2.body);
  const r3 = createRequestFromNative("PUT", "http://h/", [], ReadableStream.from([new Uint8Array([104, 105])]), null);
  out.push(await r3.text());
  const a = readResponseForNative(new Response("hello", { status: 201, headers: { "X-Z": "q" } }));
  out.push(JSON.stringify(a));
  const b = readResponseForNative(Response.json({ x: 1 }));
  out.push(typeof b.body, b.body);
  const c = readResponseForNative(new Response(new Uint8Array([1, 2])));
  out.push(c.body instanceof Uint8Array, c.body.length);
  const d = readResponseForNative(new Response(new Blob(["bb"])));
  out.push(d.body instanceof Uint8Array, d.body.length);
  const s = ReadableStream.from([new Uint8Array([1])]);
  const e = readResponseForNative(new Response(s));
  out.push(e.body === s);
  const f = readResponseForNative(new Response(null, { status: 204 }));
  out.push(f.body, f.status);
  const g = readResponseForNative(new Response(new URLSearchParams("a=b c")));
  out.push(g.body, JSON.stringify(g.headers));
  const resp = new Response("x"); const cl = resp.clone(); const h = readResponseForNative(resp); out.push(h.body, await cl.text());
  const expected = [
    "POST", "http://localhost/x?y=1", "1, 2", "application/json", false, '{"k":1}', true, true, null, "hi",
    '{"status":201,"statusText":"","headers":["x-z","q","content-type","text/plain;charset=UTF-8"],"body":"hello"}',
    "string", '{"x":1}', true, 2, true, 2, true, null, 204, "a=b+c",
    '["content-type","application/x-www-form-urlencoded;charset=UTF-8"]', "x", "x",
  ];
  const ok = JSON.stringify(out) === JSON.stringify(expected);
  console.log(ok ? "fetch_internals: ok" : "fetch_internals: FAILED\n  got:      " + JSON.stringify(out) + "\n  expected: " + JSON.stringify(expected));
  globalThis.__exitCode = ok ? 0 : 1;
})();
