// Deno.connect / connectTls / startTls against the servers of servers/net_fixture.py
// (a TCP echo and a TLS echo with a CA made at start); resolveDns on names that need
// no network.
import { assert, assertEquals, assertRejects } from "./assert.js";

function endpoint(name) {
  const value = Deno.env.get(name);
  if (!value) throw new Error(`${name} is not set: start tests/js/servers/net_fixture.py`);
  const [hostname, port] = value.split(":");
  return { hostname, port: Number(port) };
}

const encoder = new TextEncoder();
const decoder = new TextDecoder();

async function readAll(conn) {
  const chunks = [];
  const buffer = new Uint8Array(1024);
  for (;;) {
    const n = await conn.read(buffer);
    if (n === null) break;
    chunks.push(buffer.slice(0, n));
  }
  return decoder.decode(await new Blob(chunks).arrayBuffer());
}

Deno.test("Deno.connect: write, closeWrite, read to the end", async () => {
  const { port } = endpoint("SBFN_TEST_TCP_ECHO");
  const conn = await Deno.connect({ hostname: "127.0.0.1", port });
  assertEquals({ ...conn.remoteAddr }, { transport: "tcp", hostname: "127.0.0.1", port });
  assertEquals(conn.localAddr.transport, "tcp");
  assertEquals(conn.localAddr.hostname, "127.0.0.1");
  assert(conn.localAddr.port > 0);
  assertEquals(await conn.write(encoder.encode("ping ")), 5);
  await conn.write(encoder.encode("pong"));
  await conn.closeWrite();
  assertEquals(await readAll(conn), "ping pong");
  conn.close();
  await assertRejects(() => conn.read(new Uint8Array(1)), Deno.errors.BadResource);
});

Deno.test("Deno.Conn readable and writable streams", async () => {
  const { port } = endpoint("SBFN_TEST_TCP_ECHO");
  const conn = await Deno.connect({ port });
  const text = "0123456789".repeat(10_000);
  const writer = conn.writable.getWriter();
  await writer.write(encoder.encode(text));
  const reader = conn.readable.getReader();
  let got = "";
  while (got.length < text.length) {
    const { value, done } = await reader.read();
    if (done) break;
    got += decoder.decode(value, { stream: true });
  }
  assertEquals(got, text);
  reader.releaseLock();
  await writer.close();
});

Deno.test("Deno.connect to a closed port is ConnectionRefused", async () => {
  // Port 1 (tcpmux) has no listener on a test machine.
  await assertRejects(() => Deno.connect({ hostname: "127.0.0.1", port: 1 }), Deno.errors.ConnectionRefused,
    "Connection refused (os error 111)");
});

Deno.test("Deno.connectTls with caCerts talks TLS", async () => {
  const { port } = endpoint("SBFN_TEST_TLS_ECHO");
  const caCerts = [Deno.env.get("SBFN_TEST_TLS_CA_PEM")];
  const conn = await Deno.connectTls({ hostname: "localhost", port, caCerts });
  assertEquals(conn.remoteAddr.port, port);
  await conn.write(encoder.encode("secret"));
  const buffer = new Uint8Array(6);
  let got = 0;
  while (got < 6) got += await conn.read(buffer.subarray(got));
  assertEquals(decoder.decode(buffer), "secret");
  conn.close();
});

Deno.test("Deno.connectTls without the CA fails the handshake with InvalidData", async () => {
  const { port } = endpoint("SBFN_TEST_TLS_ECHO");
  const error = await assertRejects(async () => {
    const conn = await Deno.connectTls({ hostname: "localhost", port });
    try {
      await conn.handshake();
      await conn.write(encoder.encode("x"));
      await conn.read(new Uint8Array(1));
    } finally {
      try { conn.close(); } catch { /* already closed */ }
    }
  }, Deno.errors.InvalidData);
  assert(error.message.startsWith("invalid peer certificate"), error.message);
});

Deno.test("Deno.startTls upgrades a TCP connection", async () => {
  const { port } = endpoint("SBFN_TEST_TLS_ECHO");
  const plain = await Deno.connect({ hostname: "127.0.0.1", port });
  const tls = await Deno.startTls(plain, { hostname: "localhost", caCerts: [Deno.env.get("SBFN_TEST_TLS_CA_PEM")] });
  await tls.write(encoder.encode("up"));
  const buffer = new Uint8Array(2);
  let got = 0;
  while (got < 2) got += await tls.read(buffer.subarray(got));
  assertEquals(decoder.decode(buffer), "up");
  tls.close();
});

Deno.test("Deno.resolveDns: a name under .invalid has no records", async () => {
  await assertRejects(() => Deno.resolveDns("nonexistent.invalid", "A"), Deno.errors.NotFound);
});
