// node:http2's client against the HTTP/2 fixture (tests/js/servers/h2_fixture.py): TLS with
// ALPN, a certificate from its own CA (passed as `ca`), every answer saying the protocol
// it was served over in `x-protocol`.
import http2 from "node:http2";
import { assert, assertEquals } from "../js/assert.js";

const H2 = Deno.env.get("SBFN_TEST_H2");
const CA = Deno.env.get("SBFN_TEST_H2_CA");

// Response headers and the whole body of one stream.
function collect(stream) {
  return new Promise((resolve, reject) => {
    let headers = null;
    let body = "";
    stream.on("response", (h) => (headers = h));
    stream.setEncoding("utf8");
    stream.on("data", (chunk) => (body += chunk));
    stream.on("end", () => resolve({ headers, body }));
    stream.on("error", reject);
  });
}

function closed(session) {
  return new Promise((resolve) => session.close(resolve));
}

Deno.test("http2.connect: a GET stream over h2", async () => {
  const session = http2.connect(H2, { ca: CA });
  const { headers, body } = await collect(session.request({ ":path": "/echo?a=1", "x-test": "one" }));
  assertEquals(headers[":status"], 200);
  assertEquals(headers["x-protocol"], "h2");
  assertEquals(headers["content-type"], "application/json");
  const echoed = JSON.parse(body);
  assertEquals(echoed.method, "GET");
  assertEquals(echoed.path, "/echo?a=1");
  assertEquals(echoed.headers["x-test"], "one");
  await closed(session);
});

Deno.test("http2: a POST stream with a body, two streams on one session", async () => {
  const session = http2.connect(H2, { ca: CA });
  const { HTTP2_HEADER_METHOD, HTTP2_HEADER_PATH } = http2.constants;
  const post = session.request(
    { [HTTP2_HEADER_METHOD]: "POST", [HTTP2_HEADER_PATH]: "/echo" },
    { endStream: false },
  );
  post.write("part one, ");
  post.end("part two");
  const missing = session.request({ ":path": "/missing" });
  const [first, second] = await Promise.all([collect(post), collect(missing)]);
  assertEquals(JSON.parse(first.body).method, "POST");
  assertEquals(JSON.parse(first.body).body, "part one, part two");
  assertEquals(second.headers[":status"], 404);
  assertEquals(second.body, "not found");
  await closed(session);
});

Deno.test("http2: closing an endless stream", async () => {
  const session = http2.connect(H2, { ca: CA });
  const stream = session.request({ ":path": "/stream" });
  const first = await new Promise((resolve, reject) => {
    stream.once("data", (chunk) => resolve(String(chunk)));
    stream.on("error", reject);
  });
  assert(first.startsWith("chunk 0"), first);
  await new Promise((resolve) => stream.close(http2.constants.NGHTTP2_CANCEL, resolve));
  assertEquals(stream.rstCode, http2.constants.NGHTTP2_CANCEL);
  await closed(session);
});

Deno.test("http2: constants", () => {
  const c = http2.constants;
  assertEquals(c.HTTP2_HEADER_STATUS, ":status");
  assertEquals(c.HTTP2_HEADER_CONTENT_TYPE, "content-type");
  assertEquals(c.HTTP2_METHOD_GET, "GET");
  assertEquals(c.HTTP_STATUS_OK, 200);
  assertEquals(c.NGHTTP2_CANCEL, 8);
  assertEquals(c.NGHTTP2_NO_ERROR, 0);
});
