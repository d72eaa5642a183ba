// node:dns and node:dns/promises. lookup answers from the system (localhost, literal
// addresses); the resolve* family asks tests/js/servers/dns_fixture.py, a DNS server on
// 127.0.0.1, through setServers, and gets Node's record shapes and error codes.
import { assert, assertEquals, assertRejects, assertStrictEquals, assertThrows } from "../js/assert.js";
import dns from "node:dns";
import dnsPromises from "node:dns/promises";
import net from "node:net";

function server() {
  const port = Deno.env.get("SBFN_TEST_DNS_PORT");
  if (!port) throw new Error("SBFN_TEST_DNS_PORT is not set: start tests/js/servers/dns_fixture.py");
  return `127.0.0.1:${port}`;
}

function resolver() {
  const out = new dnsPromises.Resolver();
  out.setServers([server()]);
  return out;
}

Deno.test("node:dns: lookup of localhost and of literal addresses", async () => {
  assertEquals(await dnsPromises.lookup("localhost", { family: 4 }), { address: "127.0.0.1", family: 4 });
  assertEquals(await dnsPromises.lookup("localhost", 4), { address: "127.0.0.1", family: 4 });
  assertEquals(await dnsPromises.lookup("192.0.2.7"), { address: "192.0.2.7", family: 4 });
  assertEquals(await dnsPromises.lookup("::1"), { address: "::1", family: 6 });
  assertEquals(await dnsPromises.lookup("192.0.2.7", { all: true }), [{ address: "192.0.2.7", family: 4 }]);
  const all = await dnsPromises.lookup("localhost", { all: true, family: 4 });
  assert(all.length >= 1);
  assert(all.every((entry) => entry.family === 4));
  assert(all.some((entry) => entry.address === "127.0.0.1"));
});

Deno.test("node:dns: lookup with a callback", async () => {
  const [address, family] = await new Promise((resolve, reject) => {
    dns.lookup("localhost", { family: 4 }, (error, address, family) => (error ? reject(error) : resolve([address, family])));
  });
  assertStrictEquals(address, "127.0.0.1");
  assertStrictEquals(family, 4);
  const list = await new Promise((resolve, reject) => {
    dns.lookup("127.0.0.1", { all: true }, (error, addresses) => (error ? reject(error) : resolve(addresses)));
  });
  assertEquals(list, [{ address: "127.0.0.1", family: 4 }]);
  assertThrows(() => dns.lookup("localhost", {}), TypeError);
});

Deno.test("node:dns: resolve4, resolve6 and resolve with a type", async () => {
  const r = resolver();
  assertEquals(await r.resolve4("a.sbfn.test"), ["192.0.2.1", "192.0.2.2"]);
  assertEquals(await r.resolve6("a.sbfn.test"), ["2001:db8::1"]);
  assertEquals(await r.resolve("a.sbfn.test"), ["192.0.2.1", "192.0.2.2"]);
  assertEquals(await r.resolve("a.sbfn.test", "AAAA"), ["2001:db8::1"]);
  assertEquals(r.getServers(), [server()]);
});

// Deno keeps the root's dot on CNAME names (c-ares, under Node, drops it), not on others.
Deno.test("node:dns: CNAME names fully qualified, NS and PTR names not", async () => {
  const r = resolver();
  assertEquals(await r.resolveCname("alias.sbfn.test"), ["a.sbfn.test."]);
  assertEquals(await r.resolveNs("sbfn.test"), ["ns1.sbfn.test", "ns2.sbfn.test"]);
  assertEquals(await r.resolvePtr("1.2.0.192.in-addr.arpa"), ["a.sbfn.test"]);
  assertEquals(await r.reverse("192.0.2.1"), ["a.sbfn.test"]);
});

Deno.test("node:dns: MX, SRV and TXT in Node's shapes", async () => {
  const r = resolver();
  assertEquals((await r.resolveMx("mx.sbfn.test")).map((x) => ({ ...x })), [
    { exchange: "mail1.sbfn.test", priority: 10 },
    { exchange: "mail2.sbfn.test", priority: 20 },
  ]);
  assertEquals((await r.resolveSrv("_http._tcp.sbfn.test")).map((x) => ({ ...x })), [
    { name: "a.sbfn.test", port: 8080, priority: 10, weight: 60 },
    { name: "b.sbfn.test", port: 80, priority: 20, weight: 0 },
  ]);
  const txt = await r.resolveTxt("txt.sbfn.test");
  assertEquals(txt.slice(0, 2), [["v=spf1 -all"], ["part one", "part two"]]);
});

Deno.test("node:dns: SOA is one record", async () => {
  const soa = await resolver().resolveSoa("sbfn.test");
  assertStrictEquals(soa.nsname, "ns1.sbfn.test");
  assertStrictEquals(soa.hostmaster, "hostmaster.sbfn.test");
  assertStrictEquals(soa.serial, 2024010101);
  assertStrictEquals(soa.refresh, 7200);
  assertStrictEquals(soa.retry, 3600);
  assertStrictEquals(soa.expire, 1209600);
  assertStrictEquals(soa.minttl, 300);
});

Deno.test("node:dns: a name without records is ENOTFOUND", async () => {
  const error = await assertRejects(() => resolver().resolve4("nx.sbfn.test"));
  assertStrictEquals(error.code, "ENOTFOUND");
  assertStrictEquals(error.hostname, "nx.sbfn.test");
  assertStrictEquals(error.syscall, "queryA");
});

Deno.test("node:dns: the callback Resolver and the module's own setServers", async () => {
  const r = new dns.Resolver();
  r.setServers([server()]);
  const addresses = await new Promise((resolve, reject) => {
    r.resolve4("a.sbfn.test", (error, list) => (error ? reject(error) : resolve(list)));
  });
  assertEquals(addresses, ["192.0.2.1", "192.0.2.2"]);
  const mx = await new Promise((resolve, reject) => {
    r.resolve("mx.sbfn.test", "MX", (error, list) => (error ? reject(error) : resolve(list)));
  });
  assertStrictEquals(mx[0].exchange, "mail1.sbfn.test");

  const previous = dns.getServers();
  dns.setServers([server()]);
  try {
    assertEquals(await dnsPromises.resolve4("a.sbfn.test"), ["192.0.2.1", "192.0.2.2"]);
    assertEquals(await dns.promises.resolveCname("alias.sbfn.test"), ["a.sbfn.test."]);
  } finally {
    dns.setServers(previous);
  }
});

Deno.test("node:dns: getServers lists the system's name servers until setServers", () => {
  const servers = new dns.Resolver().getServers();
  assert(Array.isArray(servers));
  for (const entry of servers) {
    const address = entry.startsWith("[") ? entry.slice(1, entry.indexOf("]")) : entry.split(":").length === 2 ? entry.split(":")[0] : entry;
    assert(net.isIP(address) !== 0, entry);
  }
  const r = new dns.Resolver();
  r.setServers(["192.0.2.53", "[2001:db8::53]:5353", "192.0.2.54:5353"]);
  assertEquals(r.getServers(), ["192.0.2.53", "[2001:db8::53]:5353", "192.0.2.54:5353"]);
});

Deno.test("node:dns: bad servers and error constants", () => {
  assertThrows(() => new dns.Resolver().setServers(["not an ip"]), TypeError);
  assertStrictEquals(dns.NOTFOUND, "ENOTFOUND");
  assertStrictEquals(dnsPromises.NODATA, "ENODATA");
  // Deno's default order (Node's is "verbatim").
  assertStrictEquals(dns.getDefaultResultOrder(), "ipv4first");
});
