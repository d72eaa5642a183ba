import { assert, assertEquals, assertStrictEquals, assertThrows } from "./assert.js";

Deno.test("URL: parsing and components", () => {
  const u = new URL("https://user:pw@example.com:8080/a/b?x=1&y=2#frag");
  assertStrictEquals(u.protocol, "https:");
  assertStrictEquals(u.username, "user");
  assertStrictEquals(u.password, "pw");
  assertStrictEquals(u.host, "example.com:8080");
  assertStrictEquals(u.hostname, "example.com");
  assertStrictEquals(u.port, "8080");
  assertStrictEquals(u.pathname, "/a/b");
  assertStrictEquals(u.search, "?x=1&y=2");
  assertStrictEquals(u.hash, "#frag");
  assertStrictEquals(u.origin, "https://example.com:8080");
  assertStrictEquals(u.searchParams.get("y"), "2");
  assertStrictEquals(JSON.stringify({ u: new URL("http://a.com") }), '{"u":"http://a.com/"}');
  assertStrictEquals(String(new URL("../c?q", "http://h.com/a/b/")), "http://h.com/a/c?q");
});

Deno.test("URL: normalisation, IDNA and percent-encoding", () => {
  assertStrictEquals(new URL("HTTP://EXAMPLE.com:80/./a/../b").href, "http://example.com/b");
  assertStrictEquals(new URL("http://münchen.de/").hostname, "xn--mnchen-3ya.de");
  assertStrictEquals(new URL("http://x/a b?c d#e f").href, "http://x/a%20b?c%20d#e%20f");
  assertStrictEquals(new URL("http://x/?q=é").search, "?q=%C3%A9");
  assertStrictEquals(new URL("http://[::1]:3000/").host, "[::1]:3000");
  assertStrictEquals(new URL("file:///tmp/x").pathname, "/tmp/x");
});

Deno.test("URL: invalid input throws TypeError", () => {
  assertThrows(() => new URL("not a url"), TypeError);
  assertThrows(() => new URL("/relative"), TypeError);
  assertThrows(() => new URL("http://exa mple.com"), TypeError);
});

Deno.test("URL.canParse and URL.parse", () => {
  assertStrictEquals(URL.canParse("https://x.y"), true);
  assertStrictEquals(URL.canParse("nope"), false);
  assertStrictEquals(URL.canParse("/p", "http://h"), true);
  assertStrictEquals(URL.parse("nope"), null);
  assertStrictEquals(URL.parse("/p", "http://h").href, "http://h/p");
});

Deno.test("URL: setters", () => {
  const u = new URL("http://a.com/p");
  u.pathname = "/q r";
  u.search = "k=v";
  u.hash = "h";
  u.port = "81";
  assertStrictEquals(u.href, "http://a.com:81/q%20r?k=v#h");
  u.searchParams.append("z", "1 2");
  assertStrictEquals(u.search, "?k=v&z=1+2");
});

Deno.test("URLSearchParams: construction, iteration, sort, encoding", () => {
  const p = new URLSearchParams("?a=1&b=2&a=3&c=%20x+y");
  assertStrictEquals(p.get("a"), "1");
  assertEquals(p.getAll("a"), ["1", "3"]);
  assertStrictEquals(p.get("c"), " x y");
  assertStrictEquals(p.has("b"), true);
  assertStrictEquals(p.get("missing"), null);
  assertStrictEquals(p.size, 4);
  p.delete("b");
  p.set("a", "9");
  assertStrictEquals(p.toString(), "a=9&c=+x+y");
  p.append("b", "ü&=");
  p.sort();
  assertEquals([...p.keys()], ["a", "b", "c"]);
  assertStrictEquals(p.toString(), "a=9&b=%C3%BC%26%3D&c=+x+y");
  assertEquals([...new URLSearchParams({ x: "1", y: "2" })], [["x", "1"], ["y", "2"]]);
  assertEquals([...new URLSearchParams([["k", "v"]])], [["k", "v"]]);
  assertThrows(() => new URLSearchParams([["k"]]), TypeError);
  assert(p.has("a", "9"));
  assert(!p.has("a", "1"));
});
// Hosts that are not plain ASCII go through tr46 (in sbfn a layer loaded on first need).
Deno.test("URL: hosts through UTS #46", () => {
  const hosts = {
    "EXAMPLE.Com": "example.com",
    "a-b--c.example": "a-b--c.example",
    "-lead.example": "-lead.example",
    "a..b": "a..b",
    "123.example": "123.example",
    "XN--MNCHEN-3YA.DE": "xn--mnchen-3ya.de",
    "xn--mnchen-3ya.de": "xn--mnchen-3ya.de",
    "faß.de": "xn--fa-hia.de",
    "ＥＸＡＭＰＬＥ.com": "example.com",
    "xn--ls8h.la": "xn--ls8h.la",
    "Bücher.Example": "xn--bcher-kva.example",
    "xn--zca.com": "xn--zca.com",
    "ab--cd.com": "ab--cd.com",
    "xn-a.com": "xn-a.com",
  };
  for (const [input, hostname] of Object.entries(hosts)) {
    assertStrictEquals(new URL(`http://${input}/`).hostname, hostname, input);
  }
  for (const invalid of ["xn--mnchen-3yä.de", "a\u200Db.com", "\u0661.com", "bad.\u0661"]) {
    assertThrows(() => new URL(`http://${invalid}/`), TypeError);
  }
});
