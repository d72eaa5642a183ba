// node:net against the TCP echo server of tests/js/servers/net_fixture.py: connecting the
// ways drivers do, data both ways, half-close, errors with Node's codes, addresses and
// counters, timeouts, and what a function cannot do (listen).
import { assert, assertEquals, assertStrictEquals, assertThrows } from "../js/assert.js";
import net from "node:net";
import { Buffer } from "node:buffer";
import { Duplex } from "node:stream";

function echoAddress() {
  const value = Deno.env.get("SBFN_TEST_TCP_ECHO");
  if (!value) throw new Error("SBFN_TEST_TCP_ECHO is not set: start tests/js/servers/net_fixture.py");
  const [host, port] = value.split(":");
  return { host, port: Number(port) };
}

// Everything the socket reads until 'end', and its 'close' argument.
function collect(socket) {
  return new Promise((resolve, reject) => {
    const chunks = [];
    socket.on("data", (chunk) => chunks.push(chunk));
    socket.on("error", reject);
    socket.on("close", (hadError) => resolve({ data: Buffer.concat(chunks), hadError }));
  });
}

Deno.test("node:net: isIP, isIPv4, isIPv6", () => {
  assertStrictEquals(net.isIP("127.0.0.1"), 4);
  assertStrictEquals(net.isIP("::1"), 6);
  assertStrictEquals(net.isIP("fe80::1%eth0"), 6);
  assertStrictEquals(net.isIP("::ffff:192.0.2.1"), 6);
  assertStrictEquals(net.isIP("localhost"), 0);
  assertStrictEquals(net.isIP("256.0.0.1"), 0);
  assertStrictEquals(net.isIP("1.2.3"), 0);
  assertStrictEquals(net.isIPv4("10.0.0.255"), true);
  assertStrictEquals(net.isIPv4("::1"), false);
  assertStrictEquals(net.isIPv6("2001:db8::8a2e:370:7334"), true);
  assertStrictEquals(net.isIPv6("2001:db8:::1"), false);
});

Deno.test("node:net: connect(port, host), write, end, read the echo to the end", async () => {
  const { host, port } = echoAddress();
  const socket = new net.Socket();
  assert(socket instanceof Duplex);
  const events = [];
  socket.on("connect", () => events.push("connect"));
  socket.on("ready", () => events.push("ready"));
  socket.on("end", () => events.push("end"));
  const done = collect(socket);
  socket.connect(port, host);
  assertStrictEquals(socket.connecting, true);
  assertStrictEquals(socket.readyState, "opening");
  // Written before the connection: queued until it is there.
  let written = false;
  socket.write("hello ", () => {
    written = true;
  });
  await new Promise((resolve) => socket.once("connect", resolve));
  assertStrictEquals(socket.connecting, false);
  assertStrictEquals(socket.readyState, "open");
  assertStrictEquals(socket.remoteAddress, "127.0.0.1");
  assertStrictEquals(socket.remotePort, port);
  assertStrictEquals(socket.remoteFamily, "IPv4");
  assertStrictEquals(socket.localAddress, "127.0.0.1");
  assert(socket.localPort > 0);
  assertEquals(socket.address(), { address: "127.0.0.1", family: "IPv4", port: socket.localPort });
  socket.end(Buffer.from("world"));
  const { data, hadError } = await done;
  assertStrictEquals(data.toString(), "hello world");
  assertStrictEquals(hadError, false);
  assert(written);
  assertStrictEquals(socket.bytesWritten, 11);
  assertStrictEquals(socket.bytesRead, 11);
  assertEquals(events, ["connect", "ready", "end"]);
  assertStrictEquals(socket.readyState, "closed");
  assertStrictEquals(socket.destroyed, true);
});

Deno.test("node:net: net.connect({port, host}, listener) and createConnection", async () => {
  const { host, port } = echoAddress();
  for (const open of [net.connect, net.createConnection]) {
    let connected = false;
    const socket = open({ port, host }, () => {
      connected = true;
      socket.end("ping");
    });
    const { data } = await collect(socket);
    assert(connected);
    assertStrictEquals(data.toString(), "ping");
  }
});

Deno.test("node:net: many writes arrive in order, large ones whole", async () => {
  const { host, port } = echoAddress();
  const socket = net.connect(port, host);
  socket.setNoDelay(true);
  socket.setKeepAlive(true, 1000);
  const done = collect(socket);
  const big = Buffer.alloc(300 * 1024, 7);
  let expected = "";
  for (let i = 0; i < 50; i++) {
    socket.write(`line ${i}\n`);
    expected += `line ${i}\n`;
  }
  socket.write(big);
  socket.end();
  const { data } = await done;
  assertStrictEquals(data.subarray(0, expected.length).toString(), expected);
  assertStrictEquals(data.length, expected.length + big.length);
  assert(data.subarray(expected.length).every((byte) => byte === 7));
});

Deno.test("node:net: a refused connection fails with ECONNREFUSED, then close(true)", async () => {
  const port = Number(Deno.env.get("SBFN_TEST_TCP_CLOSED").split(":")[1]);
  const socket = net.connect(port, "127.0.0.1");
  const failed = new Promise((resolve) => socket.once("error", resolve));
  const closed = new Promise((resolve) => socket.once("close", resolve));
  const error = await failed;
  assertStrictEquals(error.code, "ECONNREFUSED");
  assertStrictEquals(error.syscall, "connect");
  assertStrictEquals(error.port, port);
  assertStrictEquals(error.message, `connect ECONNREFUSED 127.0.0.1:${port}`);
  assertStrictEquals(await closed, true);
});

Deno.test("node:net: destroy() closes at once, destroy(error) reports it", async () => {
  const { host, port } = echoAddress();
  const socket = net.connect(port, host);
  await new Promise((resolve) => socket.once("connect", resolve));
  const closed = new Promise((resolve) => socket.once("close", resolve));
  socket.destroy();
  assertStrictEquals(await closed, false);
  assertStrictEquals(socket.destroyed, true);

  const other = net.connect(port, host);
  await new Promise((resolve) => other.once("connect", resolve));
  const failed = new Promise((resolve) => other.once("error", resolve));
  other.destroy(new Error("stop"));
  assertStrictEquals((await failed).message, "stop");
});

Deno.test("node:net: setTimeout emits 'timeout' on an idle socket and leaves it open", async () => {
  const { host, port } = echoAddress();
  const socket = net.connect(port, host);
  await new Promise((resolve) => socket.once("connect", resolve));
  const timedOut = new Promise((resolve) => socket.setTimeout(20, resolve));
  assertStrictEquals(socket.timeout, 20);
  await timedOut;
  assertStrictEquals(socket.destroyed, false);
  socket.setTimeout(0);
  const done = collect(socket);
  socket.end("still open");
  assertStrictEquals((await done).data.toString(), "still open");
});

Deno.test("node:net: ref and unref return the socket; pending until connected", async () => {
  const { host, port } = echoAddress();
  const socket = new net.Socket();
  assertStrictEquals(socket.pending, true);
  assertStrictEquals(socket.ref(), socket);
  assertStrictEquals(socket.unref(), socket);
  socket.connect({ port, host });
  await new Promise((resolve) => socket.once("ready", resolve));
  assertStrictEquals(socket.pending, false);
  socket.destroy();
});

Deno.test("node:net: bad ports throw ERR_SOCKET_BAD_PORT", () => {
  assertThrows(() => net.connect(70000, "127.0.0.1"), RangeError, "Port should be >= 0 and < 65536");
  const error = assertThrows(() => new net.Socket().connect({ port: -1, host: "127.0.0.1" }), RangeError);
  assertStrictEquals(error.code, "ERR_SOCKET_BAD_PORT");
});

Deno.test("node:net: SocketAddress", () => {
  const address = new net.SocketAddress({ address: "192.0.2.1", port: 443 });
  assertStrictEquals(address.address, "192.0.2.1");
  assertStrictEquals(address.port, 443);
  assertStrictEquals(address.family, "ipv4");
});

Deno.test("node:net: BlockList of addresses, ranges and subnets", () => {
  const list = new net.BlockList();
  list.addAddress("192.0.2.1");
  list.addRange("10.0.0.10", "10.0.0.20");
  list.addSubnet("172.16.0.0", 12);
  list.addSubnet("2001:db8::", 32, "ipv6");
  assertStrictEquals(list.check("192.0.2.1"), true);
  assertStrictEquals(list.check("192.0.2.2"), false);
  assertStrictEquals(list.check("10.0.0.15"), true);
  assertStrictEquals(list.check("10.0.0.21"), false);
  assertStrictEquals(list.check("172.31.255.255"), true);
  assertStrictEquals(list.check("172.32.0.0"), false);
  assertStrictEquals(list.check("2001:db8::1", "ipv6"), true);
  assertStrictEquals(list.check("2001:db9::1", "ipv6"), false);
  assertEquals(list.rules, [
    "Subnet: IPv6 2001:db8::/32",
    "Subnet: IPv4 172.16.0.0/12",
    "Range: IPv4 10.0.0.10-10.0.0.20",
    "Address: IPv4 192.0.2.1",
  ]);
  assertStrictEquals(net.BlockList.isBlockList(list), true);
});

Deno.test("node:net: an aborted signal destroys the socket with an AbortError", async () => {
  const { host, port } = echoAddress();
  const controller = new AbortController();
  const socket = net.connect({ port, host, signal: controller.signal });
  const failed = new Promise((resolve) => socket.once("error", resolve));
  controller.abort();
  const error = await failed;
  assertStrictEquals(error.name, "AbortError");
  assertStrictEquals(error.code, "ABORT_ERR");
});
