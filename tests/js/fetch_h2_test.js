// fetch over HTTP/2, against servers/h2_fixture.py: a TLS server offering h2 through ALPN
// (with a test CA, trusted through Deno.createHttpClient), which says in `x-protocol`
// which protocol it spoke.
import { assert, assertEquals } from "./assert.js";

function server() {
  const url = Deno.env.get("SBFN_TEST_H2");
  if (!url) throw new Error("SBFN_TEST_H2 is not set: start tests/js/servers/h2_fixture.py");
  return url;
}

// A test with its own client that trusts the fixture's CA. Deno's sanitizers count the
// connection pools a test leaves warm: not a leak here.
function h2Test(name, fn) {
  Deno.test({ name, sanitizeResources: false, sanitizeOps: false }, async () => {
    const http = Deno.createHttpClient({ caCerts: [Deno.env.get("SBFN_TEST_H2_CA")] });
    try {
      await fn(http);
    } finally {
      http.close();
    }
  });
}

h2Test("fetch: HTTP/2 is negotiated with a server that offers it", async (client) => {
  const response = await fetch(`${server()}/echo?q=1`, { client, headers: { "x-test": "yes" } });
  assertEquals(response.status, 200);
  assertEquals(response.headers.get("x-protocol"), "h2");
  const seen = await response.json();
  assertEquals(seen.method, "GET");
  assertEquals(seen.path, "/echo?q=1");
  assertEquals(seen.headers["x-test"], "yes");
});

h2Test("fetch: HTTP/2 request bodies, whole and streamed", async (client) => {
  const whole = await fetch(`${server()}/echo`, { client, method: "POST", body: "a whole body" });
  assertEquals(whole.headers.get("x-protocol"), "h2");
  assertEquals((await whole.json()).body, "a whole body");

  const encoder = new TextEncoder();
  const parts = ["one ", "two ", "three"];
  const body = new ReadableStream({
    pull(controller) {
      if (parts.length === 0) controller.close();
      else controller.enqueue(encoder.encode(parts.shift()));
    },
  });
  const streamed = await fetch(`${server()}/echo`, { client, method: "POST", body, duplex: "half" });
  assertEquals(streamed.headers.get("x-protocol"), "h2");
  assertEquals((await streamed.json()).body, "one two three");
});

h2Test("fetch: an HTTP/2 response body streams as it comes, and cancels", async (client) => {
  // The server sends a chunk every 20 ms and never ends the stream: reading the first
  // chunks proves they arrive before the end.
  const response = await fetch(`${server()}/stream`, { client });
  assertEquals(response.headers.get("x-protocol"), "h2");
  const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
  let text = "";
  while (!text.includes("chunk 2\n")) {
    const { value, done } = await reader.read();
    assert(!done, "the stream ended");
    text += value;
  }
  assert(text.startsWith("chunk 0\nchunk 1\nchunk 2\n"), text);
  await reader.cancel();
  // The connection goes on serving after the stream's reset.
  const after = await fetch(`${server()}/echo`, { client });
  assertEquals((await after.json()).method, "GET");
});
