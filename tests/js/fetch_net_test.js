// fetch against real servers (tests/js/servers/fetch_fixture.py, started on 127.0.0.1 by
// both harnesses, which pass their URLs in the environment): redirects, abort, streaming
// both ways, content decoding, proxies, TLS with a private CA, blocked ports, errors.
import { assert, assertEquals, assertRejects, assertStrictEquals } from "./assert.js";

const HTTP = Deno.env.get("SBFN_TEST_HTTP");
const HTTPS = Deno.env.get("SBFN_TEST_HTTPS");
const PROXY = Deno.env.get("SBFN_TEST_PROXY");
const CA = Deno.env.get("SBFN_TEST_CA"); // the test CA's certificate, PEM
const CLOSED = Deno.env.get("SBFN_TEST_CLOSED"); // a port nothing listens on

// Without the fixture (a bare `deno test`), these tests are skipped rather than failed.
const ignore = !HTTP;
// Deno's sanitizers count the socket pools a test leaves warm: not a leak here.
function netTest(name, fn) {
  Deno.test({ name, ignore, sanitizeResources: false, sanitizeOps: false, fn });
}

const encoder = new TextEncoder();

netTest("fetch: GET answers a basic Response with the URL and default headers", async () => {
  const r = await fetch(`${HTTP}/echo?x=1`);
  assertStrictEquals(r.status, 200);
  assertStrictEquals(r.ok, true);
  assertStrictEquals(r.type, "basic");
  assertStrictEquals(r.url, `${HTTP}/echo?x=1`);
  assertStrictEquals(r.redirected, false);
  assertStrictEquals(r.headers.get("content-type"), "application/json");
  const info = await r.json();
  assertStrictEquals(info.method, "GET");
  assertStrictEquals(info.url, "/echo?x=1");
  assertStrictEquals(info.headers.accept, "*/*");
  assert(info.headers["user-agent"].startsWith("Deno/"));
});

netTest("fetch: Request objects as input, init overriding them", async () => {
  const request = new Request(`${HTTP}/echo`, { method: "PUT", body: "from request", headers: { "x-a": "1" } });
  const info = await (await fetch(request)).json();
  assertStrictEquals(info.method, "PUT");
  assertStrictEquals(info.body, "from request");
  assertStrictEquals(info.headers["x-a"], "1");
  const info2 = await (await fetch(new Request(`${HTTP}/echo`), { method: "DELETE", headers: { "x-b": "2" } })).json();
  assertStrictEquals(info2.method, "DELETE");
  assertStrictEquals(info2.headers["x-b"], "2");
});

netTest("fetch: bodies carry their Content-Type", async () => {
  const echo = async (body) => (await (await fetch(`${HTTP}/echo`, { method: "POST", body })).json());
  let info = await echo("text");
  assertStrictEquals(info.headers["content-type"], "text/plain;charset=UTF-8");
  assertStrictEquals(info.body, "text");
  info = await echo(new URLSearchParams({ a: "1", b: "x y" }));
  assertStrictEquals(info.headers["content-type"], "application/x-www-form-urlencoded;charset=UTF-8");
  assertStrictEquals(info.body, "a=1&b=x+y");
  const form = new FormData();
  form.append("field", "value");
  info = await echo(form);
  assert(info.headers["content-type"].startsWith("multipart/form-data; boundary="));
  assert(info.body.includes('name="field"') && info.body.includes("value"));
  info = await echo(new Blob(["blob"], { type: "application/x-test" }));
  assertStrictEquals(info.headers["content-type"], "application/x-test");
  info = await echo(encoder.encode("bytes"));
  assertStrictEquals(info.headers["content-type"], undefined);
  assertStrictEquals(info.headers["content-length"], "5");
  assertStrictEquals(info.body, "bytes");
});

netTest("fetch: redirects rewrite method and body as the spec says", async () => {
  for (const [status, method, body] of [[301, "GET", ""], [302, "GET", ""], [303, "GET", ""], [307, "POST", "data"], [308, "POST", "data"]]) {
    const r = await fetch(`${HTTP}/redirect/${status}`, { method: "POST", body: "data" });
    assertStrictEquals(r.status, 200);
    assertStrictEquals(r.redirected, true);
    assertStrictEquals(r.url, `${HTTP}/echo`);
    const info = await r.json();
    assertStrictEquals(info.method, method, `after ${status}`);
    assertStrictEquals(info.body, body, `after ${status}`);
    if (method === "GET") assertStrictEquals(info.headers["content-type"], undefined);
  }
  // 303 turns a PUT into a GET; 301 keeps it.
  assertStrictEquals((await (await fetch(`${HTTP}/redirect/303`, { method: "PUT", body: "x" })).json()).method, "GET");
  assertStrictEquals((await (await fetch(`${HTTP}/redirect/301`, { method: "PUT", body: "x" })).json()).method, "PUT");
});

netTest("fetch: redirect chains, the limit of 20, 'error' and 'manual'", async () => {
  const r = await fetch(`${HTTP}/redirect/302?n=20`);
  assertStrictEquals(r.status, 200);
  await r.body.cancel();
  await assertRejects(() => fetch(`${HTTP}/redirect/302?n=21`), TypeError, "Maximum number of redirects (20) reached");
  await assertRejects(() => fetch(`${HTTP}/redirect/302`, { redirect: "error" }), TypeError, "redirect mode is set to 'error'");
  const manual = await fetch(`${HTTP}/redirect/302`, { redirect: "manual" });
  assertStrictEquals(manual.status, 302);
  assertStrictEquals(manual.headers.get("location"), "/echo");
  assertStrictEquals(manual.redirected, false);
  assertStrictEquals(await manual.text(), "moved");
});

netTest("fetch: abort before and during the response", async () => {
  const before = new AbortController();
  before.abort();
  const e = await assertRejects(() => fetch(`${HTTP}/echo`, { signal: before.signal }));
  assertStrictEquals(e.name, "AbortError");
  const reasoned = new AbortController();
  reasoned.abort("why");
  let caught;
  try {
    await fetch(`${HTTP}/echo`, { signal: reasoned.signal });
  } catch (error) {
    caught = error;
  }
  assertStrictEquals(caught, "why");

  const during = new AbortController();
  const r = await fetch(`${HTTP}/endless`, { signal: during.signal });
  const reader = r.body.getReader();
  const first = await reader.read();
  assert(first.value.byteLength > 0);
  during.abort(new RangeError("stop"));
  let midBody;
  try {
    for (;;) {
      const { done } = await reader.read();
      if (done) break;
    }
  } catch (error) {
    midBody = error;
  }
  assert(midBody instanceof RangeError, String(midBody));
});

netTest("fetch: response bodies stream as they arrive", async () => {
  const r = await fetch(`${HTTP}/slow?n=4&ms=100`);
  const reader = r.body.pipeThrough(new TextDecoderStream()).getReader();
  const pieces = [];
  for (;;) {
    const { value, done } = await reader.read();
    if (done) break;
    pieces.push(value);
  }
  assertStrictEquals(pieces.join(""), "chunk 0\nchunk 1\nchunk 2\nchunk 3\n");
  assert(pieces.length >= 2, `one piece only: ${JSON.stringify(pieces)}`);
});

netTest("fetch: a large body arrives whole (back-pressure does not lose bytes)", async () => {
  const r = await fetch(`${HTTP}/bytes?n=4194304`);
  const reader = r.body.getReader();
  let total = 0;
  for (;;) {
    const { value, done } = await reader.read();
    if (done) break;
    total += value.byteLength;
    if (total < 1 << 20) await new Promise((resolve) => setTimeout(resolve, 1));
  }
  assertStrictEquals(total, 4194304);
});

netTest("fetch: ReadableStream request bodies are sent as produced", async () => {
  let i = 0;
  const body = new ReadableStream({
    async pull(c) {
      await new Promise((resolve) => setTimeout(resolve, 10));
      if (i === 3) return c.close();
      c.enqueue(encoder.encode(`part${i++};`));
    },
  });
  const r = await fetch(`${HTTP}/echo`, { method: "POST", body, duplex: "half" });
  const info = await r.json();
  assertStrictEquals(info.body, "part0;part1;part2;");
  assertStrictEquals(info.headers["transfer-encoding"], "chunked");
});

// (deflate is not asked for: Deno sends "accept-encoding: gzip,br" and so do we.)
netTest("fetch: gzip and br bodies are decoded", async () => {
  assertStrictEquals(await (await fetch(`${HTTP}/gzip`)).text(), "hello gzip".repeat(100));
  assertStrictEquals(await (await fetch(`${HTTP}/br`)).text(), "hello brotli".repeat(4));
});

netTest("fetch: TLS with a private CA is refused, then accepted through createHttpClient", async () => {
  const e = await assertRejects(() => fetch(`${HTTPS}/echo`), TypeError);
  assert(String(e.cause?.message ?? e.message).includes("error sending request for url"), String(e.cause));
  const client = Deno.createHttpClient({ caCerts: [CA] });
  const r = await fetch(`${HTTPS}/echo`, { client });
  assertStrictEquals(r.status, 200);
  assertStrictEquals((await r.json()).method, "GET");
  client.close();
});

netTest("fetch: proxies through createHttpClient (forward for http, CONNECT for https)", async () => {
  const count = async () => (await (await fetch(`${PROXY}/count`)).json()).count;
  const client = Deno.createHttpClient({ proxy: { url: PROXY }, caCerts: [CA] });
  const start = await count();
  const info = await (await fetch(`${HTTP}/echo`, { client })).json();
  assertStrictEquals(info.headers["x-via-proxy"], "sbfn-fixture");
  const r = await fetch(`${HTTPS}/echo`, { client });
  assertStrictEquals(r.status, 200);
  await r.body.cancel();
  assert((await count()) >= start + 2);
  client.close();
});

netTest("fetch: bodies used twice are TypeErrors", async () => {
  const r = await fetch(`${HTTP}/echo`);
  await r.text();
  assertStrictEquals(r.bodyUsed, true);
  await assertRejects(() => r.text(), TypeError);
  const request = new Request(`${HTTP}/echo`, { method: "POST", body: "once" });
  await (await fetch(request)).body.cancel();
  await assertRejects(() => fetch(request), TypeError);
});

netTest("fetch: blocked ports and unsupported schemes are TypeErrors naming them", async () => {
  await assertRejects(() => fetch("http://127.0.0.1:25/"), TypeError, "port 25");
  await assertRejects(() => fetch("http://127.0.0.1:587/x"), TypeError, "port 587");
  await assertRejects(() => fetch("ftp://127.0.0.1/"), TypeError, "ftp");
});

netTest("fetch: connection refused and a reset half-way are TypeErrors", async () => {
  const refused = await assertRejects(() => fetch(`${CLOSED}/`), TypeError);
  assert(String(refused.cause?.message).includes(`error sending request for url (${CLOSED}/)`), String(refused.cause));
  const r = await fetch(`${HTTP}/reset`);
  assertStrictEquals(r.status, 200);
  await assertRejects(() => r.arrayBuffer(), TypeError, "error reading a body from connection");
  const hangup = await assertRejects(() => fetch(`${HTTP}/hangup`), TypeError, "fetch failed");
  assert(
    String(hangup.cause?.message).endsWith(
      `for ${HTTP}/hangup (127.0.0.1:${new URL(HTTP).port}): client error (SendRequest): connection closed before message completed`,
    ),
    String(hangup.cause),
  );
});

netTest("fetch: data: URLs", async () => {
  const plain = await fetch("data:,Hello%2C%20World");
  assertStrictEquals(plain.status, 200);
  assertStrictEquals(plain.headers.get("content-type"), "text/plain;charset=US-ASCII");
  assertStrictEquals(await plain.text(), "Hello, World");
  const b64 = await fetch("data:application/json;base64,eyJhIjoxfQ==");
  assertStrictEquals(b64.headers.get("content-type"), "application/json");
  assertEquals(await b64.json(), { a: 1 });
});

netTest("fetch: 50 concurrent requests do not wait for each other", async () => {
  const slow = fetch(`${HTTP}/slow?n=2&ms=300`).then((r) => r.text());
  const started = Date.now();
  const all = await Promise.all(
    Array.from({ length: 50 }, (_, i) => fetch(`${HTTP}/echo?i=${i}`).then((r) => r.json())),
  );
  assertEquals(all.map((info) => info.url), Array.from({ length: 50 }, (_, i) => `/echo?i=${i}`));
  assert(Date.now() - started < 5000);
  assertStrictEquals(await slow, "chunk 0\nchunk 1\n");
});

netTest("fetch: file: URLs read the function's own files", async () => {
  const r = await fetch(new URL("./assert.js", import.meta.url));
  assertStrictEquals(r.status, 200);
  assert((await r.text()).includes("export function assertEquals"));
});

netTest("fetch: Authorization is dropped when a redirect leaves the origin", async () => {
  // 127.0.0.1 and localhost are different origins of the same fixture.
  const other = HTTP.replace("127.0.0.1", "localhost");
  const to = encodeURIComponent(`${other}/echo`);
  const r = await fetch(`${HTTP}/redirect/302?to=${to}`, { headers: { authorization: "Bearer x", "x-keep": "1" } });
  const info = await r.json();
  assertStrictEquals(info.headers["x-keep"], "1");
  assertStrictEquals(info.headers.authorization, undefined);
  const same = await (await fetch(`${HTTP}/redirect/302`, { headers: { authorization: "Bearer x" } })).json();
  assertStrictEquals(same.headers.authorization, "Bearer x");
});

netTest("fetch: blob: URLs from URL.createObjectURL, GET only, gone once revoked", async () => {
  const url = URL.createObjectURL(new Blob(["hello"], { type: "text/x-a" }));
  assert(url.startsWith("blob:null/"), url);
  const r = await fetch(url);
  assertStrictEquals(r.status, 200);
  assertStrictEquals(r.url, url);
  assertStrictEquals(r.headers.get("content-type"), "text/x-a");
  assertStrictEquals(r.headers.get("content-length"), "5");
  assertStrictEquals(await r.text(), "hello");
  await assertRejects(() => fetch(url, { method: "POST", body: "x" }), TypeError, "only supports GET");
  URL.revokeObjectURL(url);
  await assertRejects(() => fetch(url), TypeError, "not found");
});

netTest("fetch: abort while a streamed request body is still being sent", async () => {
  const controller = new AbortController();
  let cancelled = false;
  const body = new ReadableStream({
    start(c) {
      c.enqueue(encoder.encode("first piece"));
    },
    // No more pieces and no end: the request stays open until the abort.
    cancel() {
      cancelled = true;
    },
  });
  setTimeout(() => controller.abort(new RangeError("enough")), 100);
  const error = await assertRejects(() =>
    fetch(`${HTTP}/echo`, { method: "POST", body, duplex: "half", signal: controller.signal })
  );
  assert(error instanceof RangeError, String(error));
  await new Promise((resolve) => setTimeout(resolve, 10));
  assert(cancelled, "the body stream was not cancelled");
});
