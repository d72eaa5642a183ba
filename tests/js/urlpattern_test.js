import { assert, assertEquals, assertStrictEquals, assertThrows } from "./assert.js";

Deno.test("URLPattern: pathname groups, test and exec", () => {
  const p = new URLPattern({ pathname: "/tasks/:id" });
  assertStrictEquals(p.pathname, "/tasks/:id");
  assertStrictEquals(p.protocol, "*");
  assert(p.test("https://example.com/tasks/42"));
  assert(!p.test("https://example.com/tasks/42/extra"));
  assert(!p.test("https://example.com/tasks/"));
  const m = p.exec("https://example.com/tasks/42?x=1#h");
  assertEquals(m.pathname, { input: "/tasks/42", groups: { id: "42" } });
  assertEquals(m.search, { input: "x=1", groups: { 0: "x=1" } });
  assertStrictEquals(p.exec("https://example.com/other"), null);
});

Deno.test("URLPattern: constructor string with base URL", () => {
  const p = new URLPattern("/books/:id(\\d+)", "https://example.com");
  assertStrictEquals(p.hostname, "example.com");
  assertStrictEquals(p.protocol, "https");
  assert(p.test("https://example.com/books/123"));
  assert(!p.test("https://example.com/books/abc"));
  assert(!p.test("http://example.com/books/123"));
  assert(p.test({ pathname: "/books/7", hostname: "example.com", protocol: "https" }));
  assert(p.test("/books/9", "https://example.com"));
});

Deno.test("URLPattern: wildcards, optional and repeated groups", () => {
  const star = new URLPattern({ pathname: "/files/*" });
  assertEquals(star.exec({ pathname: "/files/a/b.txt" }).pathname.groups, { 0: "a/b.txt" });
  const opt = new URLPattern({ pathname: "/product/:id?" });
  assert(opt.test({ pathname: "/product" }));
  assert(opt.test({ pathname: "/product/1" }));
  assertEquals(opt.exec({ pathname: "/product" }).pathname.groups, { id: undefined });
  const plus = new URLPattern({ pathname: "/:seg+" });
  assertEquals(plus.exec({ pathname: "/a/b/c" }).pathname.groups, { seg: "a/b/c" });
  const zero = new URLPattern({ pathname: "/x/:rest*" });
  assert(zero.test({ pathname: "/x" }));
  const brace = new URLPattern({ pathname: "/blog{/:slug}?" });
  assert(brace.test({ pathname: "/blog" }));
  assert(brace.test({ pathname: "/blog/hello" }));
});

Deno.test("URLPattern: hostname and port patterns, case and encoding", () => {
  const p = new URLPattern({ hostname: "{:sub.}?example.com", port: "" });
  assert(p.test("https://example.com/"));
  assertEquals(p.exec("https://api.example.com/").hostname.groups, { sub: "api" });
  assert(!p.test("https://example.com:8080/"));
  const ci = new URLPattern({ pathname: "/Caps" }, { ignoreCase: true });
  assert(ci.test({ pathname: "/caps" }));
  assert(!new URLPattern({ pathname: "/Caps" }).test({ pathname: "/caps" }));
  // The pattern is canonicalised like a URL path: non-ASCII is percent-encoded.
  assert(new URLPattern({ pathname: "/café" }).test({ pathname: "/caf%C3%A9" }));
});

Deno.test("URLPattern: hasRegExpGroups", () => {
  assertStrictEquals(new URLPattern({ pathname: "/a/:id" }).hasRegExpGroups, false);
  assertStrictEquals(new URLPattern({ pathname: "/a/:id(\\d+)" }).hasRegExpGroups, true);
});

Deno.test("URLPattern: invalid patterns throw TypeError", () => {
  assertThrows(() => new URLPattern({ pathname: "/(" }), TypeError);
  assertThrows(() => new URLPattern({ pathname: "/:id(\\d+" }), TypeError);
  assertThrows(() => new URLPattern("relative/path"), TypeError);
  assertThrows(() => new URLPattern({ protocol: "ht(tp" }), TypeError);
  assertThrows(() => new URLPattern({ pathname: "/a" }, "https://example.com"), TypeError);
  // A bad input to test/exec is not an error: it does not match.
  const p = new URLPattern({ pathname: "/a" });
  assertStrictEquals(p.test("not a url"), false);
  assertStrictEquals(p.exec("not a url"), null);
});
