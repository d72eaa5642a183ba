// Deno.resolveDns against servers/dns_fixture.py, a DNS server on 127.0.0.1 that answers
// from a table: every record type Deno shapes, names without records, error response
// codes, a server that never answers (TimedOut) and the abort signal.
import { assert, assertEquals, assertRejects } from "./assert.js";

function port(name) {
  const value = Deno.env.get(name);
  if (!value) throw new Error(`${name} is not set: start tests/js/servers/dns_fixture.py`);
  return Number(value);
}

const nameServer = () => ({ ipAddr: "127.0.0.1", port: port("SBFN_TEST_DNS_PORT") });
const resolve = (query, type, options = {}) =>
  Deno.resolveDns(query, type, { nameServer: nameServer(), ...options });

// Records with fields come as objects without a prototype, as Deno's serde_v8 makes them.

// NotFound's message names the query as Deno's resolver prints it.
function notFound(name, type) {
  return `proto error: no records found for Query { name: Name("${name}"), query_type: ${type}, query_class: IN }`;
}

Deno.test("Deno.resolveDns: A and AAAA, following a CNAME to the addresses", async () => {
  assertEquals(await resolve("a.sbfn.test", "A"), ["192.0.2.1", "192.0.2.2"]);
  assertEquals(await resolve("a.sbfn.test", "AAAA"), ["2001:db8::1"]);
  // Only the records of the type asked for: the CNAME on the way is left out.
  assertEquals(await resolve("alias.sbfn.test", "A"), ["192.0.2.1"]);
  // Names are case-insensitive; a trailing dot is the same name.
  assertEquals(await resolve("A.SBFN.TEST.", "A"), ["192.0.2.1", "192.0.2.2"]);
});

Deno.test("Deno.resolveDns: names as strings, fully qualified (CNAME, ANAME, NS, PTR)", async () => {
  assertEquals(await resolve("alias.sbfn.test", "CNAME"), ["a.sbfn.test."]);
  assertEquals(await resolve("aname.sbfn.test", "ANAME"), ["target.sbfn.test."]);
  assertEquals(await resolve("sbfn.test", "NS"), ["ns1.sbfn.test.", "ns2.sbfn.test."]);
  assertEquals(await resolve("1.2.0.192.in-addr.arpa", "PTR"), ["a.sbfn.test."]);
});

Deno.test("Deno.resolveDns: MX and SRV records", async () => {
  assertEquals(await resolve("mx.sbfn.test", "MX"), [
    { __proto__: null, preference: 10, exchange: "mail1.sbfn.test." },
    { __proto__: null, preference: 20, exchange: "mail2.sbfn.test." },
  ]);
  assertEquals(await resolve("_http._tcp.sbfn.test", "SRV"), [
    { __proto__: null, priority: 10, weight: 60, port: 8080, target: "a.sbfn.test." },
    { __proto__: null, priority: 20, weight: 0, port: 80, target: "b.sbfn.test." },
  ]);
});

Deno.test("Deno.resolveDns: TXT records are arrays of their strings, read as Latin-1", async () => {
  assertEquals(await resolve("txt.sbfn.test", "TXT"), [
    ["v=spf1 -all"],
    ["part one", "part two"],
    ["caf\u00e9"],
  ]);
});

Deno.test("Deno.resolveDns: SOA, with refresh/retry/expire as signed 32-bit numbers", async () => {
  assertEquals(await resolve("sbfn.test", "SOA"), [{
    __proto__: null,
    mname: "ns1.sbfn.test.",
    rname: "hostmaster.sbfn.test.",
    serial: 2024010101,
    refresh: 7200,
    retry: 3600,
    expire: 1209600,
    minimum: 300,
  }]);
  assertEquals(await resolve("soa-wide.sbfn.test", "SOA"), [{
    __proto__: null,
    mname: "ns1.sbfn.test.",
    rname: "hostmaster.sbfn.test.",
    serial: 4294967295,
    refresh: -1,
    retry: -2147483648,
    expire: -2,
    minimum: 4294967295,
  }]);
});

Deno.test("Deno.resolveDns: CAA and NAPTR records", async () => {
  assertEquals(await resolve("caa.sbfn.test", "CAA"), [
    { __proto__: null, critical: false, tag: "issue", value: "ca.example.net; account=230123" },
    { __proto__: null, critical: false, tag: "issuewild", value: ";" },
    { __proto__: null, critical: true, tag: "iodef", value: "mailto:security@example.net" },
  ]);
  assertEquals(await resolve("naptr.sbfn.test", "NAPTR"), [
    { __proto__: null, order: 100, preference: 10, flags: "S", services: "SIP+D2U", regexp: "", replacement: "_sip._udp.sbfn.test." },
    { __proto__: null, order: 102, preference: 20, flags: "U", services: "E2U+sip", regexp: "!^.*$!sip:info@example.net!", replacement: "." },
  ]);
});

Deno.test("Deno.resolveDns: NXDOMAIN, no data, and refused or failed answers are NotFound", async () => {
  for (const [name, type] of [["nx.sbfn.test", "A"], ["a.sbfn.test", "MX"], ["refused.sbfn.test", "A"], ["servfail.sbfn.test", "TXT"]]) {
    await assertRejects(() => resolve(name, type), Deno.errors.NotFound, notFound(name + ".", type));
  }
  await assertRejects(() => resolve("", "A"), Deno.errors.NotFound, notFound(".", "A"));
});

Deno.test("Deno.resolveDns: localhost and the hosts file answer before any server", async () => {
  // The fixture knows neither name: these answers never left the machine.
  assertEquals(await resolve("localhost", "A"), ["127.0.0.1"]);
  assertEquals(await resolve("localhost", "AAAA"), ["::1"]);
  assertEquals(await resolve("api.localhost", "A"), ["127.0.0.1"]);
  await assertRejects(() => resolve("localhost", "MX"), Deno.errors.NotFound, notFound("localhost.", "MX"));
});

Deno.test("Deno.resolveDns: bad arguments", async () => {
  await assertRejects(() => resolve("a.sbfn.test", "FOO"), TypeError, "unknown variant `FOO`, expected one of `A`, `AAAA`, `ANAME`, `ANY`,");
  await assertRejects(() => resolve("a.sbfn.test", undefined), TypeError, "serde_v8 error: invalid type; expected: enum, got: undefined");
  await assertRejects(() => resolve("a.sbfn.test", 5), TypeError, "serde_v8 error: invalid type; expected: enum, got: Number");
  // A type Deno knows but does not shape: NotSupported once records come back.
  await assertRejects(() => resolve("hinfo.sbfn.test", "HINFO"), Deno.errors.NotSupported, "Provided record type is not supported");
  await assertRejects(() => resolve("a..b", "A"), Error, "proto error: Malformed label: ");
  await assertRejects(() => resolve("x".repeat(64) + ".test", "A"), Error, "proto error: label bytes exceed 63: 64");
  await assertRejects(() => resolve("abcdefghi.".repeat(25) + "abcd", "A"), Error, "proto error: name label data exceed 255: 256");
  await assertRejects(() => Deno.resolveDns("a.sbfn.test", "A", { nameServer: { ipAddr: "not-an-ip", port: 53 } }), Error, "invalid IP address syntax");
});

Deno.test("Deno.resolveDns: abort rejects with the signal's reason", async () => {
  await assertRejects(() => resolve("a.sbfn.test", "A", { signal: AbortSignal.abort() }), DOMException, "The signal has been aborted");
  // "silent." is never answered: only the abort ends the look-up.
  const controller = new AbortController();
  setTimeout(() => controller.abort(), 50);
  const error = await assertRejects(() => resolve("silent.sbfn.test", "A", { signal: controller.signal }), DOMException);
  assertEquals(error.name, "AbortError");
  const mine = new AbortController();
  setTimeout(() => mine.abort(new RangeError("mine")), 50);
  await assertRejects(() => resolve("silent.sbfn.test", "A", { signal: mine.signal }), RangeError, "mine");
  // The resolver goes on working after an abort.
  assertEquals(await resolve("a.sbfn.test", "AAAA"), ["2001:db8::1"]);
});

Deno.test("Deno.resolveDns: a server that never answers, or is not there, times out", async () => {
  // Deno's resolver waits 15 s before it gives up (5 s, then a second try of 10 s), also
  // on a closed port, whose ICMP "port unreachable" it ignores; sbfn (c-ares) notices that
  // one at once and gives the same error.
  const started = Date.now();
  const silent = { ipAddr: "127.0.0.1", port: port("SBFN_TEST_DNS_SILENT_PORT") };
  const closed = { ipAddr: "127.0.0.1", port: port("SBFN_TEST_DNS_CLOSED_PORT") };
  const errors = await Promise.all([silent, closed].map((server) =>
    Deno.resolveDns("a.sbfn.test", "A", { nameServer: server }).then(() => null, (e) => e)));
  for (const error of errors) {
    assert(error instanceof Deno.errors.TimedOut, String(error));
    assertEquals(error.message, "proto error: request timed out");
  }
  assert(Date.now() - started >= 10_000, `gave up after ${Date.now() - started} ms`);
});
