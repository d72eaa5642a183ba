// node:tls against tests/js/servers/net_fixture.py's TLS echo server (a certificate for
// localhost and 127.0.0.1 from a CA made at start, SBFN_TEST_TLS_CA_PEM) and its STARTTLS
// server (plain first, then TLS on the same connection, as Postgres after SSLRequest).
import { assert, assertStrictEquals } from "../js/assert.js";
import tls from "node:tls";
import net from "node:net";
import { Buffer } from "node:buffer";

function address(name) {
  const value = Deno.env.get(name);
  if (!value) throw new Error(`${name} is not set: start tests/js/servers/net_fixture.py`);
  const [host, port] = value.split(":");
  return { host, port: Number(port) };
}

const ca = () => Deno.env.get("SBFN_TEST_TLS_CA_PEM");

// Everything read until the socket closes.
function collect(socket) {
  return new Promise((resolve, reject) => {
    const chunks = [];
    socket.on("data", (chunk) => chunks.push(chunk));
    socket.on("error", reject);
    socket.on("close", () => resolve(Buffer.concat(chunks).toString()));
  });
}

Deno.test("node:tls: connect with the CA, SNI for localhost, secureConnect, echo", async () => {
  const { port } = address("SBFN_TEST_TLS_ECHO");
  let secured = false;
  const socket = tls.connect({ host: "localhost", port, servername: "localhost", ca: ca() }, () => {
    secured = true;
  });
  assert(socket instanceof tls.TLSSocket);
  assert(socket instanceof net.Socket);
  await new Promise((resolve, reject) => {
    socket.once("secureConnect", resolve);
    socket.once("error", reject);
  });
  assert(secured);
  assertStrictEquals(socket.authorized, true);
  assertStrictEquals(socket.authorizationError, null);
  assertStrictEquals(socket.encrypted, true);
  assert(["TLSv1.2", "TLSv1.3"].includes(socket.getProtocol()));
  assert(typeof socket.getCipher().name === "string" && socket.getCipher().name.length > 0);
  const cert = socket.getPeerCertificate();
  assertStrictEquals(cert.subject.CN, "localhost");
  assertStrictEquals(cert.issuer.CN, "sbfn test CA");
  assertStrictEquals(cert.subjectaltname, "DNS:localhost, IP Address:127.0.0.1");
  assert(/^([0-9A-F]{2}:){31}[0-9A-F]{2}$/.test(cert.fingerprint256));
  assert(cert.raw instanceof Uint8Array && cert.raw.length > 100);
  assert(typeof cert.valid_to === "string" && cert.valid_to.endsWith("GMT"));
  const done = collect(socket);
  socket.end("over tls");
  assertStrictEquals(await done, "over tls");
});

Deno.test("node:tls: an IP address host is checked against the IP alt name", async () => {
  const { host, port } = address("SBFN_TEST_TLS_ECHO");
  const socket = tls.connect({ host, port, ca: [Buffer.from(ca())] });
  await new Promise((resolve, reject) => {
    socket.once("secureConnect", resolve);
    socket.once("error", reject);
  });
  assertStrictEquals(socket.authorized, true);
  const done = collect(socket);
  socket.end("by address");
  assertStrictEquals(await done, "by address");
});

Deno.test("node:tls: without the CA the server is refused, unless rejectUnauthorized is false", async () => {
  const { port } = address("SBFN_TEST_TLS_ECHO");
  const refused = tls.connect({ host: "localhost", port });
  const failed = new Promise((resolve) => refused.once("error", resolve));
  const closed = new Promise((resolve) => refused.once("close", resolve));
  const error = await failed;
  assertStrictEquals(error.code, "UNABLE_TO_VERIFY_LEAF_SIGNATURE");
  await closed;

  const lax = tls.connect({ host: "localhost", port, rejectUnauthorized: false });
  await new Promise((resolve, reject) => {
    lax.once("secureConnect", resolve);
    lax.once("error", reject);
  });
  assertStrictEquals(lax.authorized, false);
  assertStrictEquals(lax.authorizationError, "UNABLE_TO_VERIFY_LEAF_SIGNATURE");
  const done = collect(lax);
  lax.end("anyway");
  assertStrictEquals(await done, "anyway");
});

Deno.test("node:tls: a certificate for another name fails checkServerIdentity", async () => {
  const { port } = address("SBFN_TEST_TLS_ECHO");
  const socket = tls.connect({ host: "127.0.0.1", port, servername: "db.example.com", ca: ca() });
  const error = await new Promise((resolve) => socket.once("error", resolve));
  assertStrictEquals(error.code, "ERR_TLS_CERT_ALTNAME_INVALID");
});

Deno.test("node:tls: upgrading a connected net.Socket (STARTTLS)", async () => {
  const { host, port } = address("SBFN_TEST_STARTTLS_ECHO");
  const plain = net.connect(port, host);
  await new Promise((resolve) => plain.once("connect", resolve));
  plain.write("STARTTLS\n");
  const answer = await new Promise((resolve) => plain.once("data", resolve));
  assertStrictEquals(answer.toString(), "OK\n");
  const secure = tls.connect({ socket: plain, servername: "localhost", ca: ca() });
  await new Promise((resolve, reject) => {
    secure.once("secureConnect", resolve);
    secure.once("error", reject);
  });
  assertStrictEquals(secure.authorized, true);
  const plainClosed = new Promise((resolve) => plain.once("close", resolve));
  const done = collect(secure);
  secure.write("upgraded ");
  secure.end("and echoed");
  assertStrictEquals(await done, "upgraded and echoed");
  await plainClosed;
});

Deno.test("node:tls: checkServerIdentity's rules", () => {
  const cert = (subjectaltname, CN) => ({ subject: { CN }, subjectaltname });
  assertStrictEquals(tls.checkServerIdentity("localhost", cert("DNS:localhost")), undefined);
  assertStrictEquals(tls.checkServerIdentity("a.example.com", cert("DNS:*.example.com")), undefined);
  assertStrictEquals(tls.checkServerIdentity("b.a.example.com", cert("DNS:*.example.com"))?.code, "ERR_TLS_CERT_ALTNAME_INVALID");
  assertStrictEquals(tls.checkServerIdentity("example.com", cert("DNS:*.com"))?.code, "ERR_TLS_CERT_ALTNAME_INVALID");
  assertStrictEquals(tls.checkServerIdentity("127.0.0.1", cert("DNS:localhost, IP Address:127.0.0.1")), undefined);
  assertStrictEquals(tls.checkServerIdentity("::1", cert("IP Address:0:0:0:0:0:0:0:1")), undefined);
  assertStrictEquals(tls.checkServerIdentity("127.0.0.2", cert("IP Address:127.0.0.1"))?.code, "ERR_TLS_CERT_ALTNAME_INVALID");
  // No DNS alt names: the subject's CN.
  assertStrictEquals(tls.checkServerIdentity("db.local", cert(undefined, "db.local")), undefined);
  const error = tls.checkServerIdentity("other", cert("DNS:localhost"));
  assertStrictEquals(error.message, "Hostname/IP does not match certificate's altnames: Host: other. is not in the cert's altnames: DNS:localhost");
  assertStrictEquals(error.host, "other");
});

Deno.test("node:tls: createSecureContext carries the CA to connect", async () => {
  const { port } = address("SBFN_TEST_TLS_ECHO");
  const secureContext = tls.createSecureContext({ ca: ca() });
  const socket = tls.connect({ host: "localhost", port, secureContext });
  await new Promise((resolve, reject) => {
    socket.once("secureConnect", resolve);
    socket.once("error", reject);
  });
  assertStrictEquals(socket.authorized, true);
  socket.destroy();
  await new Promise((resolve) => socket.once("close", resolve));
});

Deno.test("node:tls: an upgraded socket is checked against the address it connected to", async () => {
  const { host, port } = address("SBFN_TEST_STARTTLS_ECHO");
  const plain = net.connect(port, host);
  await new Promise((resolve) => plain.once("connect", resolve));
  plain.write("STARTTLS\n");
  await new Promise((resolve) => plain.once("data", resolve));
  // No host, no servername (postgres.js for an IP address): the socket's own, 127.0.0.1.
  const secure = tls.connect({ socket: plain, ca: ca() });
  await new Promise((resolve, reject) => {
    secure.once("secureConnect", resolve);
    secure.once("error", reject);
  });
  assertStrictEquals(secure.authorized, true);
  const done = collect(secure);
  secure.end("by its address");
  assertStrictEquals(await done, "by its address");
});

Deno.test("node:tls: rootCertificates, extended with a CA of one's own", async () => {
  assert(Array.isArray(tls.rootCertificates));
  assert(tls.rootCertificates.length > 10);
  assert(tls.rootCertificates.every((pem) => pem.startsWith("-----BEGIN CERTIFICATE-----\n") && pem.endsWith("-----END CERTIFICATE-----")));
  assert(Object.isFrozen(tls.rootCertificates));
  const { port } = address("SBFN_TEST_TLS_ECHO");
  const socket = tls.connect({ host: "localhost", port, ca: [...tls.rootCertificates, ca()] });
  await new Promise((resolve, reject) => {
    socket.once("secureConnect", resolve);
    socket.once("error", reject);
  });
  assertStrictEquals(socket.authorized, true);
  socket.destroy();
  await new Promise((resolve) => socket.once("close", resolve));
});

Deno.test("node:tls: a server that does not speak TLS fails the handshake with an ERR_SSL_ code", async () => {
  const { host, port } = address("SBFN_TEST_TCP_ECHO");
  const socket = tls.connect({ host, port });
  const failed = new Promise((resolve) => socket.once("error", resolve));
  const closed = new Promise((resolve) => socket.once("close", resolve));
  const error = await failed;
  assert(error.code.startsWith("ERR_SSL_"), error.code);
  await closed;
});

Deno.test("node:tls: ALPN, the server's choice among the protocols offered", async () => {
  const { port } = address("SBFN_TEST_TLS_ECHO");
  const offered = tls.connect({ host: "localhost", port, ca: ca(), ALPNProtocols: ["h2", "echo/1"] });
  await new Promise((resolve, reject) => {
    offered.once("secureConnect", resolve);
    offered.once("error", reject);
  });
  assertStrictEquals(offered.alpnProtocol, "echo/1");
  offered.destroy();
  const none = tls.connect({ host: "localhost", port, ca: ca() });
  await new Promise((resolve, reject) => {
    none.once("secureConnect", resolve);
    none.once("error", reject);
  });
  assertStrictEquals(none.alpnProtocol, false);
  none.destroy();
  await new Promise((resolve) => none.once("close", resolve));
});

Deno.test("node:tls: a client certificate (cert and key) for a server that asks for one", async () => {
  const { port } = address("SBFN_TEST_TLS_MUTUAL_ECHO");
  const cert = Deno.env.get("SBFN_TEST_TLS_CLIENT_CERT_PEM");
  const key = Deno.env.get("SBFN_TEST_TLS_CLIENT_KEY_PEM");
  const socket = tls.connect({ host: "localhost", port, ca: ca(), cert, key });
  await new Promise((resolve, reject) => {
    socket.once("secureConnect", resolve);
    socket.once("error", reject);
  });
  const done = collect(socket);
  socket.end("known client");
  assertStrictEquals(await done, "known client");

  // Without one, the server ends the connection: an error, before or after secureConnect.
  const anonymous = tls.connect({ host: "localhost", port, ca: ca() });
  anonymous.on("secureConnect", () => anonymous.write("who?"));
  const error = await new Promise((resolve) => {
    anonymous.once("error", resolve);
    anonymous.once("close", () => resolve(null));
  });
  assert(error instanceof Error);
  anonymous.destroy();
});
