// Every global of issue 2, evaluated in a real worker: exact results and exact thrown
// errors ("Name: message"). Each snippet runs in a fresh worker.
#include "support/worker_fixture.hpp"

#include "runtime/runtime.hpp"

#include <doctest/doctest.h>
#include <nlohmann/json.hpp>

#include <fstream>
#include <string>

namespace {

void expect_eval(const std::string& source, const std::string& type, const std::string& value) {
  INFO("snippet: " << source);
  auto result = test_support::eval(source);
  CHECK(result.type == type);
  CHECK(result.value == value);
}

}  // namespace

TEST_SUITE_BEGIN("runtime");

TEST_CASE("runtime::console writes Deno-formatted lines, errors with their stacks") {
  test_support::ScriptWorker worker;
  auto result = worker.eval(R"JS(
console.log("text", 1, { a: [1, { b: 2 }] }, null, undefined, "x");
console.info("%s is %d years", "Ann", 42.5);
console.warn(new Map([[1, new Set(["s"])]]));
console.debug([1, 2, 3].map(String));
function makeError() { return new TypeError("bad thing"); }
console.error(makeError());
console.error("prefix", new RangeError("inner"));
console.log({ e: new Error("nested") });
console.assert(1 === 2, "assertion message");
console.assert(true, "not printed");
console.log("%o|%c|%%", { a: 1 }, "color: red");
"done")JS");
  CHECK(result.value == "done");
  auto lines = worker.output();
  REQUIRE(lines.size() == 9);
  CHECK(lines[0] == "1:text 1 { a: [ 1, { b: 2 } ] } null undefined x");
  CHECK(lines[1] == "1:Ann is 42 years");
  CHECK(lines[2] == R"(2:Map(1) { 1 => Set(1) { "s" } })");
  CHECK(lines[3] == R"(1:[ "1", "2", "3" ])");
  CHECK(lines[4] ==
        "2:TypeError: bad thing\n    at makeError (sbfn:eval:6:31)\n    at sbfn:eval:7:15");
  CHECK(lines[5] == "2:prefix RangeError: inner\n    at sbfn:eval:8:25");
  CHECK(lines[6] == "1:{\n  e: Error: nested\n      at sbfn:eval:9:18\n}");
  CHECK(lines[7] == "2:Assertion failed: assertion message");
  CHECK(lines[8] == "1:{ a: 1 }||%");
}

TEST_CASE("runtime::EdgeRuntime.waitUntil returns its promise and logs a rejection") {
  test_support::ScriptWorker worker;
  auto result = worker.eval(R"JS((async () => {
  const p = new Promise((resolve) => setTimeout(() => resolve("background done"), 5));
  const same = EdgeRuntime.waitUntil(p) === p;
  EdgeRuntime.waitUntil(Promise.reject(new Error("background failed"))).catch(() => {});
  return same + "|" + await p;
})())JS");
  CHECK(result.type == "string");
  CHECK(result.value == "true|background done");
  auto lines = worker.output();
  REQUIRE(lines.size() == 1);
  CHECK(lines[0].starts_with("2:Error: background failed\n    at "));
}

TEST_CASE("runtime::Deno.env sees only the worker's variables") {
  runtime::WorkerOptions options;
  options.env = {{"SUPABASE_URL", "http://localhost:54321"}, {"EMPTY", ""}};
  test_support::ScriptWorker worker(options);
  CHECK(worker.eval("Deno.env.get('SUPABASE_URL')").value == "http://localhost:54321");
  CHECK(worker.eval("Deno.env.get('EMPTY') === ''").value == "true");
  CHECK(worker.eval("Deno.env.get('PATH')").type == "undefined");
  CHECK(worker.eval("Object.keys(Deno.env.toObject()).sort().join()").value ==
        "EMPTY,SUPABASE_URL");
  auto thrown = worker.eval("Deno.env.get('')");
  CHECK(thrown.type == "throws");
  CHECK(thrown.value == R"(TypeError: Key contains invalid characters: "")");
}

TEST_CASE("runtime::console Deno.inspect formats values like Deno") {
  expect_eval(
      R"JS((() => { const lines = []; const orig = Deno.inspect; return [Deno.inspect({ a: 1, b: "x", nested: { deep: [1, 2, { k: null }] } }), Deno.inspect([1, "two", undefined, null]), Deno.inspect(new Map([["k", { v: 1 }]])), Deno.inspect(new Set([1, 2])), Deno.inspect("str"), Deno.inspect(Symbol("s")), Deno.inspect(10n), Deno.inspect(() => 1), Deno.inspect(class Foo {}), Deno.inspect(new Uint8Array([1, 2, 3])), Deno.inspect({ a: { b: { c: { d: { e: 1 } } } } })].join("\n"); })())JS",
      "string", R"JS({
  a: 1,
  b: "x",
  nested: { deep: [ 1, 2, { k: null } ] }
}
[ 1, "two", undefined, null ]
Map(1) { "k" => { v: 1 } }
Set(2) { 1, 2 }
"str"
Symbol(s)
10n
[Function (anonymous)]
[class Foo]
Uint8Array(3) [ 1, 2, 3 ]
{
  a: {
    b: { c: { d: { e: 1 } } }
  }
})JS");
  expect_eval(
      R"JS((() => { const o = { name: "cycle" }; o.self = o; return Deno.inspect(o); })())JS",
      "string", R"JS(<ref *1> { name: "cycle", self: [Circular *1] })JS");
  expect_eval(R"JS(Deno.inspect(new Date(0)))JS", "string", R"JS(1970-01-01T00:00:00.000Z)JS");
  expect_eval(
      R"JS((() => { class Point { constructor() { this.x = 1; this.y = 2; } } return Deno.inspect(new Point()); })())JS",
      "string", R"JS(Point { x: 1, y: 2 })JS");
  expect_eval(R"JS(Deno.inspect(Object.create(null)))JS", "string",
              R"JS([Object: null prototype] {})JS");
}

TEST_CASE("runtime::console inspects errors with their stacks") {
  expect_eval(
      R"JS((() => { function thrower() { return new TypeError("bad thing"); } const e = thrower(); const s = Deno.inspect(e); return s.split("\n").slice(0, 2).join("|").replace(/\(.*\)/, "(...)"); })())JS",
      "string", R"JS(TypeError: bad thing|    at thrower (...))JS");
  expect_eval(
      R"JS((() => { const e = new Error("outer", { cause: new RangeError("inner") }); return Deno.inspect(e).includes("Caused by RangeError: inner"); })())JS",
      "boolean", R"JS(false)JS");
  expect_eval(
      R"JS(Deno.inspect({ e: new Error("in object") }).startsWith("{\n  e: Error: in object\n      at "))JS",
      "boolean", R"JS(true)JS");
}

TEST_CASE("runtime::setTimeout setInterval clearTimeout clearInterval") {
  expect_eval(R"JS(typeof setTimeout(() => {}, 0))JS", "string", R"JS(number)JS");
  expect_eval(
      R"JS(new Promise((resolve) => { const order = []; setTimeout(() => order.push("b"), 10); setTimeout(() => order.push("a"), 0); setTimeout((x, y) => { order.push(x + y); resolve(order.join()); }, 30, "c", "d"); }))JS",
      "string", R"JS(a,b,cd)JS");
  expect_eval(
      R"JS(new Promise((resolve) => { let n = 0; const id = setInterval(() => { n++; if (n === 3) { clearInterval(id); setTimeout(() => resolve(n), 30); } }, 2); }))JS",
      "number", R"JS(3)JS");
  expect_eval(
      R"JS(new Promise((resolve) => { let fired = false; const id = setTimeout(() => { fired = true; }, 5); clearTimeout(id); clearTimeout(id); clearTimeout(123456); clearInterval(undefined); setTimeout(() => resolve(fired), 20); }))JS",
      "boolean", R"JS(false)JS");
  expect_eval(
      R"JS(new Promise((resolve) => { const a = setTimeout(() => {}, 0); const b = setTimeout(() => {}, 0); clearTimeout(a); clearTimeout(b); resolve(b > a && a > 0); }))JS",
      "boolean", R"JS(true)JS");
  expect_eval(
      R"JS(new Promise((resolve) => { const t0 = performance.now(); setTimeout(() => resolve(performance.now() - t0 >= 49), 50); }))JS",
      "boolean", R"JS(true)JS");
}

TEST_CASE("runtime::queueMicrotask runs before timers and checks its argument") {
  expect_eval(
      R"JS(new Promise((resolve) => { const order = []; setTimeout(() => { order.push("timeout"); resolve(order.join()); }, 0); Promise.resolve().then(() => order.push("promise")); queueMicrotask(() => order.push("micro")); order.push("sync"); }))JS",
      "string", R"JS(sync,promise,micro,timeout)JS");
  expect_eval(
      R"JS(queueMicrotask("not a function"))JS", "throws",
      R"JS(TypeError: Failed to execute 'queueMicrotask': parameter 1 is not of type 'Function'.)JS");
  expect_eval(
      R"JS(queueMicrotask())JS", "throws",
      R"JS(TypeError: Failed to execute 'queueMicrotask': parameter 1 is not of type 'Function'.)JS");
}

TEST_CASE("runtime::structuredClone copies Map Date cycles and rejects functions") {
  expect_eval(
      R"JS((() => { const src = { n: 1, s: "x", d: new Date(86400000), m: new Map([[1, { a: [1, 2] }]]), set: new Set(["a"]), re: /ab+c/gi, big: 12n, u8: new Uint8Array([1, 2]), nested: { arr: [1, , 3] } }; const c = structuredClone(src); return [c !== src, c.d instanceof Date, c.d.getTime(), c.m instanceof Map, c.m.get(1).a.join(), c.m.get(1) !== src.m.get(1), c.set.has("a"), String(c.re), c.re.flags, typeof c.big, c.u8 instanceof Uint8Array, c.u8.join(), 1 in c.nested.arr, c.nested.arr.length].join(); })())JS",
      "string", R"JS(true,true,86400000,true,1,2,true,true,/ab+c/gi,gi,bigint,true,1,2,false,3)JS");
  expect_eval(
      R"JS((() => { const a = { name: "a" }; a.self = a; a.list = [a]; const c = structuredClone(a); return [c.self === c, c.list[0] === c, c !== a].join(); })())JS",
      "string", R"JS(true,true,true)JS");
  expect_eval(R"JS(structuredClone({ f() {} }))JS", "throws",
              R"JS(DataCloneError: f() {} could not be cloned.)JS");
  expect_eval(
      R"JS((() => { try { structuredClone(() => 1); } catch (e) { return [e instanceof DOMException, e.name, e.code].join(); } })())JS",
      "string", R"JS(true,DataCloneError,25)JS");
  expect_eval(R"JS(structuredClone(Symbol("s")))JS", "throws",
              R"JS(DataCloneError: Symbol(s) could not be cloned.)JS");
  expect_eval(
      R"JS((() => { const e = structuredClone(new RangeError("r")); return [e instanceof RangeError, e.message].join(); })())JS",
      "string", R"JS(true,r)JS");
  expect_eval(
      R"JS((() => { const buf = new ArrayBuffer(4); const c = structuredClone(buf, { transfer: [buf] }); return [buf.byteLength, c.byteLength].join(); })())JS",
      "string", R"JS(0,4)JS");
  expect_eval(
      R"JS(structuredClone())JS", "throws",
      R"JS(TypeError: Failed to execute 'structuredClone': 1 argument required, but only 0 present.)JS");
}

TEST_CASE("runtime::TextEncoder and TextDecoder") {
  expect_eval(R"JS(new TextEncoder().encode("héllo €").join())JS", "string",
              R"JS(104,195,169,108,108,111,32,226,130,172)JS");
  expect_eval(R"JS(new TextEncoder().encoding)JS", "string", R"JS(utf-8)JS");
  expect_eval(
      R"JS((() => { const u = new Uint8Array(4); const r = new TextEncoder().encodeInto("a€", u); return [r.read, r.written, u.join()].join(); })())JS",
      "string", R"JS(2,4,97,226,130,172)JS");
  expect_eval(R"JS(new TextDecoder().decode(new Uint8Array([104, 195, 169, 0xe2, 0x82, 0xac])))JS",
              "string", R"JS(hé€)JS");
  expect_eval(
      R"JS(new TextDecoder().decode(new Uint8Array([0xef, 0xbb, 0xbf, 0x61, 0xff, 0x62])))JS",
      "string", R"JS(a�b)JS");
  expect_eval(
      R"JS(new TextDecoder("utf-8", { fatal: true }).decode(new Uint8Array([0x61, 0xff])))JS",
      "throws", R"JS(TypeError: The encoded data is not valid.)JS");
  expect_eval(
      R"JS(new TextDecoder("utf-8", { ignoreBOM: true }).decode(new Uint8Array([0xef, 0xbb, 0xbf, 0x61])).length)JS",
      "number", R"JS(2)JS");
  expect_eval(
      R"JS((() => { const d = new TextDecoder(); return d.decode(new Uint8Array([0xe2, 0x82]), { stream: true }) + "|" + d.decode(new Uint8Array([0xac])); })())JS",
      "string", R"JS(|€)JS");
  expect_eval(R"JS(new TextDecoder("utf-16le").decode(new Uint8Array([0x68, 0, 0x69, 0])))JS",
              "string", R"JS(hi)JS");
  expect_eval(
      R"JS([new TextDecoder("latin1").encoding, new TextDecoder("UTF8").encoding, new TextDecoder(" utf-16be ").encoding].join())JS",
      "string", R"JS(windows-1252,utf-8,utf-16be)JS");
  expect_eval(R"JS(new TextDecoder("nope"))JS", "throws",
              R"JS(RangeError: The encoding label provided ('nope') is invalid.)JS");
  expect_eval(R"JS(new TextDecoder().decode(new ArrayBuffer(2)).length)JS", "number", R"JS(2)JS");
}

TEST_CASE("runtime::atob and btoa") {
  expect_eval(R"JS(btoa("hello world"))JS", "string", R"JS(aGVsbG8gd29ybGQ=)JS");
  expect_eval(R"JS(atob("aGVsbG8gd29ybGQ="))JS", "string", R"JS(hello world)JS");
  expect_eval(R"JS(atob(" aGVs bG8 "))JS", "string", R"JS(hello)JS");
  expect_eval(
      R"JS(btoa("€"))JS", "throws",
      R"JS(InvalidCharacterError: The string to be encoded contains characters outside of the Latin1 range.)JS");
  expect_eval(R"JS(atob("a"))JS", "throws",
              R"JS(InvalidCharacterError: Failed to decode base64)JS");
  expect_eval(R"JS(atob("@@@@"))JS", "throws",
              R"JS(InvalidCharacterError: Failed to decode base64)JS");
  expect_eval(
      R"JS((() => { try { atob("%"); } catch (e) { return [e instanceof DOMException, e.name, e.code].join(); } })())JS",
      "string", R"JS(true,InvalidCharacterError,5)JS");
  expect_eval(R"JS(btoa(String.fromCharCode(0, 255, 128)))JS", "string", R"JS(AP+A)JS");
  expect_eval(R"JS(atob("AP+A").split("").map((c) => c.charCodeAt(0)).join())JS", "string",
              R"JS(0,255,128)JS");
  expect_eval(
      R"JS(atob())JS", "throws",
      R"JS(TypeError: Failed to execute 'atob': 1 argument required, but only 0 present)JS");
}

TEST_CASE("runtime::URL parses resolves and serialises as WHATWG") {
  expect_eval(R"JS(new URL("../c/d?x=1#h", "https://example.com/a/b/e").href)JS", "string",
              R"JS(https://example.com/a/c/d?x=1#h)JS");
  expect_eval(
      R"JS((() => { const u = new URL("https://user:pa%20ss@EXAMPLE.com:8080/p/a/t/h?query=string#hash"); return [u.protocol, u.username, u.password, u.host, u.hostname, u.port, u.pathname, u.search, u.hash, u.origin].join("|"); })())JS",
      "string",
      R"JS(https:|user|pa%20ss|example.com:8080|example.com|8080|/p/a/t/h|?query=string|#hash|https://example.com:8080)JS");
  expect_eval(R"JS(new URL("https://münchen.de/straße").href)JS", "string",
              R"JS(https://xn--mnchen-3ya.de/stra%C3%9Fe)JS");
  expect_eval(R"JS(new URL("http://xn--mnchen-3ya.de/").hostname)JS", "string",
              R"JS(xn--mnchen-3ya.de)JS");
  expect_eval(R"JS(new URL("https://example.com/a b/ü?q=a b&r=ü#f g").href)JS", "string",
              R"JS(https://example.com/a%20b/%C3%BC?q=a%20b&r=%C3%BC#f%20g)JS");
  expect_eval(R"JS(new URL("HTTPS://Example.COM:443/./a/../b/%7Efoo").href)JS", "string",
              R"JS(https://example.com/b/%7Efoo)JS");
  expect_eval(R"JS(new URL("not a url"))JS", "throws", R"JS(TypeError: Invalid URL: not a url)JS");
  expect_eval(R"JS(new URL("/path", "invalid base"))JS", "throws",
              R"JS(TypeError: Invalid base URL: invalid base)JS");
  expect_eval(
      R"JS([URL.canParse("https://x.y"), URL.canParse("nope"), URL.canParse("/p", "https://x.y")].join())JS",
      "string", R"JS(true,false,true)JS");
  expect_eval(R"JS(new URL("http://[::1]:3000/").host)JS", "string", R"JS([::1]:3000)JS");
  expect_eval(R"JS(new URL("http://0x7f.1/").hostname)JS", "string", R"JS(127.0.0.1)JS");
  expect_eval(
      R"JS((() => { const u = new URL("https://example.com/p"); u.pathname = "/new path"; u.port = "8443"; u.hash = "frag"; u.search = "?a=1"; u.protocol = "http"; return u.href; })())JS",
      "string", R"JS(http://example.com:8443/new%20path?a=1#frag)JS");
  expect_eval(R"JS(new URL("file:///home/user/file.txt").pathname)JS", "string",
              R"JS(/home/user/file.txt)JS");
  expect_eval(R"JS(JSON.stringify({ u: new URL("https://a.b/c") }))JS", "string",
              R"JS({"u":"https://a.b/c"})JS");
  expect_eval(R"JS(new URL("data:text/plain,hello").pathname)JS", "string",
              R"JS(text/plain,hello)JS");
}

TEST_CASE("runtime::URLSearchParams and URL.searchParams mutation") {
  expect_eval(R"JS(new URLSearchParams("?a=1&b=2&a=3").getAll("a").join())JS", "string",
              R"JS(1,3)JS");
  expect_eval(R"JS(new URLSearchParams({ x: "1 2", y: "ü&=" }).toString())JS", "string",
              R"JS(x=1+2&y=%C3%BC%26%3D)JS");
  expect_eval(R"JS(new URLSearchParams([["a", "1"], ["b", "2"]]).toString())JS", "string",
              R"JS(a=1&b=2)JS");
  expect_eval(
      R"JS((() => { const p = new URLSearchParams("c=3&a=1&b=2&a=0"); p.sort(); p.append("z", "+"); p.set("b", "two"); p.delete("c"); return [p.toString(), p.has("a"), p.has("a", "9"), p.get("missing"), p.size].join("|"); })())JS",
      "string", R"JS(a=1&a=0&b=two&z=%2B|true|false||4)JS");
  expect_eval(
      R"JS(new URLSearchParams("q=a+b%20c&e=%zz").get("q") + "|" + new URLSearchParams("q=a+b%20c&e=%zz").get("e"))JS",
      "string", R"JS(a b c|%zz)JS");
  expect_eval(
      R"JS((() => { const u = new URL("https://x.y/p?a=1"); u.searchParams.append("b", "x y"); u.searchParams.set("a", "é"); return u.href + "|" + u.search; })())JS",
      "string", R"JS(https://x.y/p?a=%C3%A9&b=x+y|?a=%C3%A9&b=x+y)JS");
  expect_eval(
      R"JS((() => { const u = new URL("https://x.y/p?a=1"); u.searchParams.delete("a"); return u.href; })())JS",
      "string", R"JS(https://x.y/p)JS");
  expect_eval(
      R"JS((() => { const u = new URL("https://x.y/p?a=1"); const sp = u.searchParams; u.search = "?z=9"; return sp.get("z") + "," + sp.get("a"); })())JS",
      "string", R"JS(9,null)JS");
  expect_eval(R"JS([...new URLSearchParams("a=1&b=2").entries()].map(([k, v]) => k + v).join())JS",
              "string", R"JS(a1,b2)JS");
  expect_eval(
      R"JS(new URLSearchParams([["a"]]))JS", "throws",
      R"JS(TypeError: Failed to construct 'URLSearchParams': parameter 1 sequence's element does not contain exactly two elements.)JS");
}

TEST_CASE("runtime::Headers") {
  expect_eval(
      R"JS((() => { const h = new Headers({ "Content-Type": "text/plain", "X-B": "1" }); h.append("x-b", "2"); h.append("Set-Cookie", "a=1"); h.append("Set-Cookie", "b=2"); return [h.get("content-type"), h.get("X-b"), h.has("CONTENT-TYPE"), h.get("missing"), [...h.keys()].join(), h.getSetCookie().join(";"), h.get("set-cookie")].join("|"); })())JS",
      "string",
      R"JS(text/plain|1, 2|true||content-type,set-cookie,set-cookie,x-b|a=1;b=2|a=1, b=2)JS");
  expect_eval(R"JS(new Headers({ "bad name": "x" }))JS", "throws",
              R"JS(TypeError: Header name is not valid: "bad name")JS");
  expect_eval(R"JS(new Headers({ a: "x\ny" }))JS", "throws",
              R"JS(TypeError: Header value is not valid: "x
y")JS");
  expect_eval(
      R"JS((() => { const h = new Headers([["A", "  padded  "]]); return "[" + h.get("a") + "]"; })())JS",
      "string", R"JS([padded])JS");
  expect_eval(
      R"JS((() => { const h = new Headers({ a: "1" }); h.delete("A"); h.set("b", "2"); return [...h].map((e) => e.join("=")).join(); })())JS",
      "string", R"JS(b=2)JS");
}

TEST_CASE("runtime::Request") {
  expect_eval(
      R"JS((() => { const r = new Request("https://example.com/p?q=1", { method: "post", headers: { "x-a": "1" }, body: "data" }); return [r.method, r.url, r.headers.get("x-a"), r.headers.get("content-type"), r.bodyUsed, r.redirect, r.signal instanceof AbortSignal].join("|"); })())JS",
      "string",
      R"JS(POST|https://example.com/p?q=1|1|text/plain;charset=UTF-8|false|follow|true)JS");
  expect_eval(R"JS(new Request("/relative"))JS", "throws",
              R"JS(TypeError: Failed to construct 'Request': Invalid URL: '/relative')JS");
  expect_eval(R"JS(new Request("https://x.y", { method: "GET", body: "no" }))JS", "throws",
              R"JS(TypeError: Request with GET/HEAD method cannot have body.)JS");
  expect_eval(R"JS(new Request("https://x.y", { method: "bad method" }))JS", "throws",
              R"JS(TypeError: Method is not valid: "bad method")JS");
  expect_eval(R"JS(new Request("https://x.y", { method: "CONNECT" }))JS", "throws",
              R"JS(TypeError: Method is forbidden: "CONNECT")JS");
  expect_eval(
      R"JS((async () => { const r = new Request("https://x.y", { method: "PUT", body: JSON.stringify({ a: 1 }) }); const c = r.clone(); return [(await r.json()).a, await c.text(), r.bodyUsed, c.bodyUsed].join("|"); })())JS",
      "string", R"JS(1|{"a":1}|true|true)JS");
  expect_eval(
      R"JS((async () => { const fd = new FormData(); fd.append("name", "v"); fd.append("file", new Blob(["abc"], { type: "text/plain" }), "a.txt"); const r = new Request("https://x.y", { method: "POST", body: fd }); const ct = r.headers.get("content-type"); const back = await r.formData(); const f = back.get("file"); return [ct.startsWith("multipart/form-data; boundary="), back.get("name"), f instanceof File, f.name, f.type, await f.text()].join("|"); })())JS",
      "string", R"JS(true|v|true|a.txt|text/plain|abc)JS");
  expect_eval(
      R"JS((async () => { const r = new Request("https://x.y", { method: "POST", body: new URLSearchParams("a=1&b=x y") }); return r.headers.get("content-type") + "|" + (await r.formData()).get("b"); })())JS",
      "string", R"JS(application/x-www-form-urlencoded;charset=UTF-8|x y)JS");
  expect_eval(
      R"JS((() => { const base = new Request("https://x.y/a", { method: "DELETE", headers: { k: "v" } }); const r = new Request(base, { headers: { k2: "v2" } }); return [r.method, r.url, r.headers.has("k"), r.headers.get("k2")].join("|"); })())JS",
      "string", R"JS(DELETE|https://x.y/a|false|v2)JS");
}

TEST_CASE("runtime::Response bodies from every BodyInit and every reader") {
  expect_eval(
      R"JS((async () => [await new Response("text").text(), await new Response(new TextEncoder().encode("u8")).text(), await new Response(new Uint16Array([0x6968]).buffer).text(), await new Response(new DataView(new TextEncoder().encode("dv").buffer)).text(), await new Response(new URLSearchParams("a=1&b=2")).text(), await new Response(new Blob(["bl", "ob"])).text(), await new Response(null).text(), await new Response().text()].join("|"))())JS",
      "string", R"JS(text|u8|hi|dv|a=1&b=2|blob||)JS");
  expect_eval(
      R"JS((async () => { const stream = new ReadableStream({ start(c) { c.enqueue(new TextEncoder().encode("chunk1,")); c.enqueue(new TextEncoder().encode("chunk2")); c.close(); } }); return await new Response(stream).text(); })())JS",
      "string", R"JS(chunk1,chunk2)JS");
  expect_eval(
      R"JS((async () => { const r = new Response('{"a":[1,2]}'); return JSON.stringify(await r.json()); })())JS",
      "string", R"JS({"a":[1,2]})JS");
  expect_eval(
      R"JS((async () => { const ab = await new Response("abc").arrayBuffer(); return [ab instanceof ArrayBuffer, ab.byteLength].join(); })())JS",
      "string", R"JS(true,3)JS");
  expect_eval(
      R"JS((async () => { const b = await new Response("abc").bytes(); return [b instanceof Uint8Array, b.join()].join("|"); })())JS",
      "string", R"JS(true|97,98,99)JS");
  expect_eval(
      R"JS((async () => { const b = await new Response("abc", { headers: { "content-type": "text/x" } }).blob(); return [b instanceof Blob, b.size, b.type].join("|"); })())JS",
      "string", R"JS(true|3|text/x)JS");
  expect_eval(
      R"JS((async () => { const fd = new FormData(); fd.append("k", "v"); fd.append("k", "w"); const back = await new Response(fd).formData(); return back.getAll("k").join(); })())JS",
      "string", R"JS(v,w)JS");
  expect_eval(
      R"JS([new Response("s").headers.get("content-type"), new Response(new URLSearchParams("a=1")).headers.get("content-type"), new Response(new Blob(["x"], { type: "image/png" })).headers.get("content-type"), new Response(new Uint8Array(1)).headers.get("content-type")].join("|"))JS",
      "string",
      R"JS(text/plain;charset=UTF-8|application/x-www-form-urlencoded;charset=UTF-8|image/png|)JS");
  expect_eval(R"JS(new Response("{").json())JS", "throws",
              R"JS(SyntaxError: Unexpected end of JSON input)JS");
  expect_eval(R"JS(new Response("x").formData())JS", "throws",
              R"JS(TypeError: Body can not be decoded as form data)JS");
}

TEST_CASE("runtime::Response bodyUsed and a second read") {
  expect_eval(
      R"JS((async () => { const r = new Response("once"); const before = r.bodyUsed; await r.text(); const after = r.bodyUsed; try { await r.text(); } catch (e) { return [before, after, e.name].join("|"); } })())JS",
      "string", R"JS(false|true|TypeError)JS");
  expect_eval(
      R"JS((async () => { const r = new Response("once"); await r.arrayBuffer(); return r.json(); })())JS",
      "throws", R"JS(TypeError: Body already consumed.)JS");
  expect_eval(
      R"JS((async () => { const r = new Response("once"); await r.text(); r.clone(); })())JS",
      "throws",
      R"JS(TypeError: Failed to execute 'clone' on 'Response': Response body is already used)JS");
  expect_eval(
      R"JS((async () => { const r = new Response("x"); r.body.getReader(); return r.text(); })())JS",
      "throws", R"JS(TypeError: ReadableStream is locked.)JS");
  expect_eval(
      R"JS((async () => { const r = new Response("hello"); const c = r.clone(); return [await r.text(), await c.text(), r.status, c.headers === r.headers].join("|"); })())JS",
      "string", R"JS(hello|hello|200|false)JS");
}

TEST_CASE("runtime::Response.json Response.redirect and status checks") {
  expect_eval(
      R"JS((async () => { const r = Response.json({ a: 1 }, { status: 201, headers: { "x-k": "v" } }); return [r.status, r.headers.get("content-type"), r.headers.get("x-k"), await r.text()].join("|"); })())JS",
      "string", R"JS(201|application/json|v|{"a":1})JS");
  expect_eval(
      R"JS((() => { const r = Response.redirect("https://example.com/next", 307); return [r.status, r.headers.get("location"), r.body === null].join("|"); })())JS",
      "string", R"JS(307|https://example.com/next|true)JS");
  expect_eval(R"JS(Response.redirect("https://example.com/").status)JS", "number", R"JS(302)JS");
  expect_eval(
      R"JS(Response.redirect("https://example.com/", 200))JS", "throws",
      R"JS(RangeError: Failed to execute 'redirect' on 'Response': Invalid status code 200)JS");
  expect_eval(
      R"JS(Response.redirect("/relative"))JS", "throws",
      R"JS(TypeError: Failed to execute 'redirect' on 'Response': Invalid URL: '/relative')JS");
  expect_eval(
      R"JS(new Response("x", { status: 99 }))JS", "throws",
      R"JS(RangeError: Failed to construct 'Response': The status provided (99) is outside the range [200, 599].)JS");
  expect_eval(
      R"JS(new Response("x", { status: 600 }))JS", "throws",
      R"JS(RangeError: Failed to construct 'Response': The status provided (600) is outside the range [200, 599].)JS");
  expect_eval(R"JS(new Response("x", { status: 204 }))JS", "throws",
              R"JS(TypeError: Response with null body status cannot have body)JS");
  expect_eval(
      R"JS((() => { const r = new Response(null, { status: 404, statusText: "Nope" }); return [r.status, r.statusText, r.ok, r.type, r.redirected, r.url].join("|"); })())JS",
      "string", R"JS(404|Nope|false|default|false|)JS");
  expect_eval(R"JS((() => { const r = Response.error(); return [r.type, r.status].join(); })())JS",
              "string", R"JS(error,0)JS");
  expect_eval(R"JS(new Response("x", { statusText: "bad\n" }))JS", "throws",
              R"JS(TypeError: Failed to construct 'Response': Invalid statusText)JS");
  expect_eval(R"JS(Response.json(10n))JS", "throws",
              R"JS(TypeError: Do not know how to serialize a BigInt)JS");
}

TEST_CASE("runtime::ReadableStream") {
  expect_eval(
      R"JS((async () => { const s = new ReadableStream({ start(c) { c.enqueue(1); c.enqueue(2); c.close(); } }); const out = []; for await (const v of s) out.push(v); return out.join(); })())JS",
      "string", R"JS(1,2)JS");
  expect_eval(
      R"JS((async () => { const s = ReadableStream.from([1, 2, 3]); const r = s.getReader(); const a = await r.read(); const b = await r.read(); r.releaseLock(); return [a.value, a.done, b.value, s.locked].join(); })())JS",
      "string", R"JS(1,false,2,false)JS");
  expect_eval(
      R"JS((async () => { let i = 0; const s = new ReadableStream({ pull(c) { i++; if (i > 3) c.close(); else c.enqueue(i); } }, { highWaterMark: 0 }); const out = []; for await (const v of s) out.push(v); return out.join(); })())JS",
      "string", R"JS(1,2,3)JS");
  expect_eval(
      R"JS((async () => { const s = new ReadableStream({ start(c) { c.error(new TypeError("stream broke")); } }); await s.getReader().read(); })())JS",
      "throws", R"JS(TypeError: stream broke)JS");
  expect_eval(
      R"JS((() => { const s = new ReadableStream(); s.getReader(); s.getReader(); })())JS",
      "throws",
      R"JS(TypeError: This stream has already been locked for exclusive reading by another reader)JS");
  expect_eval(
      R"JS((async () => { const [a, b] = ReadableStream.from(["x", "y"]).tee(); const read = async (s) => { const o = []; for await (const v of s) o.push(v); return o.join(""); }; return (await read(a)) + (await read(b)); })())JS",
      "string", R"JS(xyxy)JS");
  expect_eval(
      R"JS((async () => { let reason; const s = new ReadableStream({ cancel(r) { reason = r; } }); await s.cancel("why"); return reason; })())JS",
      "string", R"JS(why)JS");
}

TEST_CASE("runtime::WritableStream and TransformStream with pipeThrough") {
  expect_eval(
      R"JS((async () => { const chunks = []; const w = new WritableStream({ write(c) { chunks.push(c); }, close() { chunks.push("closed"); } }); const writer = w.getWriter(); await writer.write("a"); await writer.write("b"); await writer.close(); return chunks.join(); })())JS",
      "string", R"JS(a,b,closed)JS");
  expect_eval(
      R"JS((async () => { const t = new TransformStream({ transform(chunk, c) { c.enqueue(chunk.toUpperCase()); }, flush(c) { c.enqueue("!"); } }); const out = []; await ReadableStream.from(["a", "b"]).pipeThrough(t).pipeTo(new WritableStream({ write(c) { out.push(c); } })); return out.join(""); })())JS",
      "string", R"JS(AB!)JS");
  expect_eval(
      R"JS((async () => { const s = ReadableStream.from(["hé", "llo"]).pipeThrough(new TextEncoderStream()).pipeThrough(new TextDecoderStream()); let t = ""; for await (const c of s) t += c; return t; })())JS",
      "string", R"JS(héllo)JS");
  expect_eval(
      R"JS((async () => { const w = new WritableStream({ write() { throw new RangeError("sink failed"); } }); const writer = w.getWriter(); await writer.write("x"); })())JS",
      "throws", R"JS(RangeError: sink failed)JS");
  expect_eval(
      R"JS((async () => { const t = new TransformStream(); const writer = t.writable.getWriter(); writer.write("p"); writer.close(); const out = []; for await (const c of t.readable) out.push(c); return out.join(); })())JS",
      "string", R"JS(p)JS");
}

TEST_CASE("runtime::AbortController and AbortSignal reason timeout any") {
  expect_eval(
      R"JS((() => { const c = new AbortController(); const events = []; c.signal.addEventListener("abort", (e) => events.push(e.type)); c.signal.onabort = () => events.push("onabort"); c.abort("my reason"); c.abort("again"); return [c.signal.aborted, c.signal.reason, events.join()].join("|"); })())JS",
      "string", R"JS(true|my reason|abort,onabort)JS");
  expect_eval(
      R"JS((() => { const c = new AbortController(); c.abort(); const r = c.signal.reason; return [r instanceof DOMException, r.name, r.message].join("|"); })())JS",
      "string", R"JS(true|AbortError|The signal has been aborted)JS");
  expect_eval(
      R"JS((() => { const c = new AbortController(); c.abort(new TypeError("custom")); c.signal.throwIfAborted(); })())JS",
      "throws", R"JS(TypeError: custom)JS");
  expect_eval(
      R"JS((() => { const s = AbortSignal.abort(); return [s.aborted, s.reason.name].join(); })())JS",
      "string", R"JS(true,AbortError)JS");
  expect_eval(
      R"JS(new Promise((resolve) => { const s = AbortSignal.timeout(10); s.onabort = () => resolve([s.aborted, s.reason.name, s.reason.message].join("|")); }))JS",
      "string", R"JS(true|TimeoutError|Signal timed out.)JS");
  expect_eval(
      R"JS((() => { const a = new AbortController(); const b = new AbortController(); const any = AbortSignal.any([a.signal, b.signal]); b.abort("from b"); return [any.aborted, any.reason].join("|"); })())JS",
      "string", R"JS(true|from b)JS");
  expect_eval(R"JS(AbortSignal.any([AbortSignal.abort("pre")]).reason)JS", "string", R"JS(pre)JS");
  expect_eval(R"JS(new AbortSignal())JS", "throws", R"JS(TypeError: Illegal constructor)JS");
  expect_eval(
      R"JS(AbortSignal.timeout(-1))JS", "throws",
      R"JS(TypeError: Failed to execute 'timeout' on 'AbortSignal': milliseconds is outside the accepted range)JS");
}

TEST_CASE("runtime::Event and EventTarget") {
  expect_eval(
      R"JS((() => { const t = new EventTarget(); const log = []; const h = (e) => log.push(e.type + ":" + (e.target === t) + ":" + e.eventPhase); t.addEventListener("ping", h); t.addEventListener("ping", h); t.addEventListener("ping", { handleEvent(e) { log.push("obj"); } }, { once: true }); t.dispatchEvent(new Event("ping")); t.dispatchEvent(new Event("ping")); t.removeEventListener("ping", h); t.dispatchEvent(new Event("ping")); return log.join(); })())JS",
      "string", R"JS(ping:true:2,obj,ping:true:2)JS");
  expect_eval(
      R"JS((() => { const t = new EventTarget(); t.addEventListener("x", (e) => e.preventDefault()); const cancelable = new Event("x", { cancelable: true }); const plain = new Event("x"); return [t.dispatchEvent(cancelable), cancelable.defaultPrevented, t.dispatchEvent(plain), plain.defaultPrevented].join(); })())JS",
      "string", R"JS(false,true,true,false)JS");
  expect_eval(
      R"JS((() => { const t = new EventTarget(); const log = []; t.addEventListener("x", (e) => { log.push(1); e.stopImmediatePropagation(); }); t.addEventListener("x", () => log.push(2)); t.dispatchEvent(new Event("x")); return log.join(); })())JS",
      "string", R"JS(1)JS");
  expect_eval(
      R"JS((() => { const e = new CustomEvent("c", { detail: { n: 5 } }); return [e.type, e.detail.n, e.bubbles, e.cancelable, e.isTrusted, typeof e.timeStamp].join(); })())JS",
      "string", R"JS(c,5,false,false,false,number)JS");
  expect_eval(
      R"JS(new Event())JS", "throws",
      R"JS(TypeError: Failed to construct 'Event': 1 argument required, but only 0 present)JS");
  expect_eval(
      R"JS((() => { const t = new EventTarget(); const c = new AbortController(); let n = 0; t.addEventListener("x", () => n++, { signal: c.signal }); t.dispatchEvent(new Event("x")); c.abort(); t.dispatchEvent(new Event("x")); return n; })())JS",
      "number", R"JS(1)JS");
  expect_eval(
      R"JS((() => { const t = new EventTarget(); const e = new Event("x"); t.dispatchEvent(e); t.dispatchEvent(e); return "redispatched"; })())JS",
      "string", R"JS(redispatched)JS");
  expect_eval(
      R"JS(new EventTarget().dispatchEvent("x"))JS", "throws",
      R"JS(TypeError: Failed to execute 'dispatchEvent' on 'EventTarget': parameter 1 is not of type 'Event'.)JS");
}

TEST_CASE("runtime::DOMException") {
  expect_eval(
      R"JS((() => { const e = new DOMException("msg", "NotFoundError"); return [e.name, e.message, e.code, e instanceof Error, e instanceof DOMException, String(e), Object.prototype.toString.call(e)].join("|"); })())JS",
      "string", R"JS(NotFoundError|msg|8|true|true|NotFoundError: msg|[object DOMException])JS");
  expect_eval(
      R"JS([new DOMException().name, new DOMException("m").code, new DOMException("m", "Custom").code, DOMException.ABORT_ERR, DOMException.DATA_CLONE_ERR, new DOMException("", "SyntaxError").code].join())JS",
      "string", R"JS(Error,0,0,20,25,12)JS");
  expect_eval(R"JS((() => { throw new DOMException("timed out", "TimeoutError"); })())JS", "throws",
              R"JS(TimeoutError: timed out)JS");
  expect_eval(R"JS(typeof new DOMException("x").stack)JS", "string", R"JS(string)JS");
}

TEST_CASE("runtime::performance.now") {
  expect_eval(
      R"JS((() => { const a = performance.now(); let x = 0; for (let i = 0; i < 1e5; i++) x += i; const b = performance.now(); return [typeof a, a >= 0, b >= a, typeof performance.timeOrigin, performance.timeOrigin > 1.6e12].join(); })())JS",
      "string", R"JS(number,true,true,number,true)JS");
  expect_eval(
      R"JS(new Promise((resolve) => { const a = performance.now(); setTimeout(() => resolve(performance.now() - a >= 20), 20); }))JS",
      "boolean", R"JS(true)JS");
  expect_eval(
      R"JS((() => { performance.mark("m1"); const m = performance.measure("between", "m1"); return [m.name, m.entryType].join(); })())JS",
      "string", R"JS(between,measure)JS");
}

TEST_CASE("runtime::crypto.getRandomValues and randomUUID") {
  expect_eval(
      R"JS((() => { const a = crypto.getRandomValues(new Uint8Array(32)); const b = crypto.getRandomValues(new Uint8Array(32)); return [a.length, a.some((v) => v !== 0), a.join() !== b.join()].join(); })())JS",
      "string", R"JS(32,true,true)JS");
  expect_eval(
      R"JS((() => { const u = new Uint32Array(4); return crypto.getRandomValues(u) === u; })())JS",
      "boolean", R"JS(true)JS");
  expect_eval(
      R"JS(crypto.getRandomValues(new Uint8Array(65537)))JS", "throws",
      R"JS(QuotaExceededError: The ArrayBufferView's byte length (65537) exceeds the number of bytes of entropy available via this API (65536))JS");
  expect_eval(
      R"JS(crypto.getRandomValues(new Float32Array(2)))JS", "throws",
      R"JS(TypeMismatchError: The provided ArrayBufferView is of type 'Float32Array', which is not an integer array type.)JS");
  expect_eval(
      R"JS((() => { const ids = new Set(); for (let i = 0; i < 100; i++) ids.add(crypto.randomUUID()); const id = crypto.randomUUID(); return [ids.size, /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/.test(id)].join(); })())JS",
      "string", R"JS(100,true)JS");
}

TEST_CASE("runtime::WebAssembly instantiates a hand-written module exporting add") {
  // (module (func (export "add") (param i32 i32) (result i32) local.get 0 local.get 1 i32.add))
  const std::string bytes =
      "const bytes = new Uint8Array([0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00, 0x01, 0x07, "
      "0x01, 0x60, 0x02, 0x7f, 0x7f, 0x01, 0x7f, 0x03, 0x02, 0x01, 0x00, 0x07, 0x07, 0x01, 0x03, "
      "0x61, 0x64, 0x64, 0x00, 0x00, 0x0a, 0x09, 0x01, 0x07, 0x00, 0x20, 0x00, 0x20, 0x01, 0x6a, "
      "0x0b]);";
  expect_eval("(() => { " + bytes +
                  " return new WebAssembly.Instance(new WebAssembly.Module(bytes)).exports.add(-1, "
                  "2 ** 31); })()",
              "number", "2147483647");
  expect_eval("new WebAssembly.Module(new Uint8Array([0, 1, 2, 3]))", "throws",
              "CompileError: WebAssembly.Module(): expected magic word 00 61 73 6d, found 00 01 02 "
              "03 @+0");
  // Asynchronous compilation completes in tasks V8 posts to the platform's foreground
  // task runner of the isolate.
  expect_eval("(async () => { " + bytes +
                  " const { instance, module } = await WebAssembly.instantiate(bytes); return "
                  "[instance.exports.add(2, 40), WebAssembly.validate(bytes), module instanceof "
                  "WebAssembly.Module, WebAssembly.Module.exports(module).map((e) => e.name + "
                  "':' + e.kind).join()].join('|'); })()",
              "string", "42|true|true|add:function");
  expect_eval("WebAssembly.instantiate(new Uint8Array([0, 1, 2, 3]))", "throws",
              "CompileError: WebAssembly.instantiate(): expected magic word 00 61 73 6d, found 00 "
              "01 02 03 @+0");
}

TEST_CASE("runtime::Deno.serve Deno.env and EdgeRuntime.waitUntil exist") {
  expect_eval(R"JS(Deno.env.get("a=b"))JS", "throws",
              R"JS(TypeError: Key contains invalid characters: "a=b")JS");
  expect_eval(
      R"JS((() => { Deno.env.set("K", 5); const v = Deno.env.get("K"); Deno.env.delete("K"); return [v, typeof v, Deno.env.has("K")].join(); })())JS",
      "string", R"JS(5,string,false)JS");
}

TEST_CASE("runtime::V8 10.2 gaps are polyfilled or restored in every worker") {
  expect_eval(
      R"JS([3, 1, 2].toSorted().join() + "|" + [3, 1, 2].toSorted((a, b) => b - a).join())JS",
      "string", R"JS(1,2,3|3,2,1)JS");
  expect_eval(R"JS((() => { const a = [3, 1, 2]; a.toSorted(); return a.join(); })())JS", "string",
              R"JS(3,1,2)JS");
  expect_eval(R"JS([1, 2].toSorted("nope"))JS", "throws",
              R"JS(TypeError: The comparison function must be either a function or undefined)JS");
  expect_eval(
      R"JS(JSON.stringify(Object.groupBy([1, 2, 3, 4], (n) => (n % 2 ? "odd" : "even"))))JS",
      "string", R"JS({"odd":[1,3],"even":[2,4]})JS");
  expect_eval(
      R"JS((() => { const g = Map.groupBy(["a", "bb", "c"], (s) => s.length); return [g.get(1).join(), g.get(2).join()].join("|"); })())JS",
      "string", R"JS(a,c|bb)JS");
  expect_eval(R"JS(Object.getPrototypeOf(Object.groupBy([], () => "x")))JS", "object",
              R"JS(null)JS");
  expect_eval(
      R"JS((async () => { const { promise, resolve, reject } = Promise.withResolvers(); setTimeout(() => resolve("resolved later"), 1); return [typeof reject, await promise].join("|"); })())JS",
      "string", R"JS(function|resolved later)JS");
  expect_eval(
      R"JS((() => { const { promise, reject } = Promise.withResolvers(); reject(new RangeError("withResolvers rejected")); return promise; })())JS",
      "throws", R"JS(RangeError: withResolvers rejected)JS");
  expect_eval(
      R"JS([Object.hasOwn({ a: 1 }, "a"), Object.hasOwn({}, "toString"), [1, 2, 3].at(-1), "abc".at(-2), new Uint8Array([5, 6]).at(-1), [1, 2, 3, 4].findLast((n) => n % 2), [1, 2, 3, 4].findLastIndex((n) => n % 2), new Int8Array([1, 2]).findLast((n) => n < 2)].join())JS",
      "string", R"JS(true,false,3,b,6,3,2,1)JS");
  expect_eval(
      R"JS((() => { const sab = new SharedArrayBuffer(8); const view = new Int32Array(sab); Atomics.add(view, 0, 5); return [sab.byteLength, Atomics.load(view, 0), Object.prototype.toString.call(sab)].join(); })())JS",
      "string", R"JS(8,5,[object SharedArrayBuffer])JS");
  expect_eval(
      R"JS([Object.getOwnPropertyDescriptor(Object, "hasOwn").enumerable, Array.prototype.at.toString().includes("[native code]"), Object.hasOwn.toString().includes("[native code]"), Array.prototype.findLast.toString().includes("[native code]"), typeof Symbol.dispose, typeof Symbol.asyncDispose].join())JS",
      "string", R"JS(false,true,true,true,symbol,symbol)JS");
}
TEST_SUITE_END();

TEST_CASE("runtime::Deno.version and navigator.userAgent report the versions built in") {
  // The V8 version is the library's own; TypeScript's is the pinned npm package's.
  auto typescript = test_support::eval(R"JS(Deno.version.typescript)JS");
  CHECK(
      typescript.value ==
      nlohmann::json::parse(std::ifstream(SBFN_SOURCE_DIR "/node_modules/typescript/package.json"))
          .at("version")
          .get<std::string>());
  expect_eval("Deno.version.v8", "string", runtime::v8_version());
  expect_eval(
      "navigator.userAgent === `Deno/${Deno.version.deno}` && "
      "/^\\d+\\.\\d+\\.\\d+$/.test(Deno.version.deno)",
      "boolean", "true");
}
