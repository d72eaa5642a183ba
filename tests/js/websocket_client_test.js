// The WebSocket client against servers/net_fixture.py's echo (ws_echo, and wss_echo over
// TLS): open, text and binary echo, binaryType, subprotocols, close codes, certificate
// checks, and the URL checks.
import { assert, assertEquals, assertThrows } from "./assert.js";

function echoUrl() {
  const url = Deno.env.get("SBFN_TEST_WS_ECHO");
  if (!url) throw new Error("SBFN_TEST_WS_ECHO is not set: start tests/js/servers/net_fixture.py");
  return url;
}

// Resolves with the next event of `type`.
function next(socket, type) {
  return new Promise((resolve) => socket.addEventListener(type, resolve, { once: true }));
}

Deno.test("WebSocket: open, text and binary echo, clean close", async () => {
  const socket = new WebSocket(echoUrl());
  assertEquals(socket.readyState, WebSocket.CONNECTING);
  assertEquals(socket.binaryType, "blob");
  assertEquals(socket.url, echoUrl());
  assertThrows(() => socket.send("too early"), DOMException, "readyState");
  await next(socket, "open");
  assertEquals(socket.readyState, WebSocket.OPEN);
  assertEquals(socket.protocol, "");

  socket.send("héllo");
  const text = await next(socket, "message");
  assertEquals(text.data, "héllo");
  assert(text instanceof MessageEvent);

  socket.send(new Uint8Array([1, 2, 3]));
  const blob = (await next(socket, "message")).data;
  assert(blob instanceof Blob);
  assertEquals(new Uint8Array(await blob.arrayBuffer()), new Uint8Array([1, 2, 3]));

  socket.binaryType = "arraybuffer";
  socket.send(new Uint8Array([4, 5]).buffer);
  const buffer = (await next(socket, "message")).data;
  assert(buffer instanceof ArrayBuffer);
  assertEquals(new Uint8Array(buffer), new Uint8Array([4, 5]));

  const closed = next(socket, "close");
  socket.close(3001, "done here");
  assertEquals(socket.readyState, WebSocket.CLOSING);
  const event = await closed;
  assertEquals([event.code, event.reason, event.wasClean], [3001, "done here", true]);
  assertEquals(socket.readyState, WebSocket.CLOSED);
});

Deno.test("WebSocket: the server's choice among the offered subprotocols", async () => {
  const socket = new WebSocket(echoUrl(), ["chat.v2", "chat.v1"]);
  await next(socket, "open");
  assertEquals(socket.protocol, "chat.v2");
  const closed = next(socket, "close");
  socket.close();
  // No code given: the close frame carries none, which the echo sends back (1005).
  assertEquals((await closed).code, 1005);
});

Deno.test("WebSocket: a refused connection fires error, then a close with no code", async () => {
  const socket = new WebSocket("ws://127.0.0.1:1/");
  const error = next(socket, "error");
  const close = next(socket, "close");
  await error;
  const event = await close;
  assertEquals([event.code, event.wasClean], [0, false]);
});

Deno.test("WebSocket: bad URLs and protocols are SyntaxErrors", () => {
  assertThrows(() => new WebSocket("foo"), DOMException, "Invalid URL: 'foo'");
  assertThrows(() => new WebSocket("ftp://x/"), DOMException,
    "Only ws & wss schemes are allowed in a WebSocket URL: received ftp:");
  assertThrows(() => new WebSocket("ws://x/#frag"), DOMException, "Fragments are not allowed in a WebSocket URL");
  assertThrows(() => new WebSocket("ws://x/", ["a", "a"]), DOMException, "Cannot supply the same protocol multiple times");
  assertThrows(() => new WebSocket("ws://x/", ["a b"]), DOMException, "Invalid protocol value");
  assertThrows(() => new WebSocket(), TypeError);
});

// wss: servers/net_fixture.py's echo over TLS, its certificate from a CA that the harness
// names in DENO_CERT, which Deno reads at start for WebSocket as for fetch (sbfn reads the
// worker's DENO_CERT and SSL_CERT_FILE).
Deno.test("WebSocket: wss with a CA trusted through DENO_CERT", async () => {
  const url = Deno.env.get("SBFN_TEST_WSS_ECHO");
  if (!url) throw new Error("SBFN_TEST_WSS_ECHO is not set: start tests/js/servers/net_fixture.py");
  assert(Deno.env.get("DENO_CERT"), "DENO_CERT is not set: run under servers/with_fixtures.py");
  const socket = new WebSocket(url, "chat");
  await next(socket, "open");
  assertEquals(socket.protocol, "chat");
  socket.send("over tls");
  assertEquals((await next(socket, "message")).data, "over tls");
  socket.binaryType = "arraybuffer";
  socket.send(new Uint8Array(70000).fill(9));
  const big = new Uint8Array((await next(socket, "message")).data);
  assertEquals([big.length, big[0], big[69999]], [70000, 9, 9]);
  const closed = next(socket, "close");
  socket.close(1000, "bye");
  const event = await closed;
  assertEquals([event.code, event.reason, event.wasClean], [1000, "bye", true]);
});

Deno.test("WebSocket: wss to a server whose CA nobody trusts fails the handshake", async () => {
  // The TLS echo's certificate comes from the other CA, which DENO_CERT does not name.
  const socket = new WebSocket(`wss://localhost:${Deno.env.get("SBFN_TEST_TLS_ECHO").split(":")[1]}/`);
  const error = next(socket, "error");
  const close = next(socket, "close");
  assertEquals((await error).message,
    "NetworkError: failed to connect to WebSocket: invalid peer certificate: UnknownIssuer");
  const event = await close;
  assertEquals([event.code, event.wasClean], [0, false]);
});
