import { assertEquals, assertStrictEquals, assertThrows } from "../js/assert.js";
import url, { fileURLToPath, pathToFileURL } from "node:url";

Deno.test("node:url: file URLs", () => {
  assertStrictEquals(fileURLToPath("file:///tmp/a%20b.txt"), "/tmp/a b.txt");
  assertStrictEquals(fileURLToPath(new URL("file:///x/y")), "/x/y");
  assertStrictEquals(pathToFileURL("/tmp/a b#c?.txt").href, "file:///tmp/a%20b%23c%3F.txt");
  assertStrictEquals(pathToFileURL("/tmp/dir/").href, "file:///tmp/dir/");
  assertThrows(() => fileURLToPath("https://example.com/x"), TypeError);
  assertThrows(() => fileURLToPath("file:///a%2Fb"), TypeError);
  assertStrictEquals(url.URL, URL);
  assertStrictEquals(url.URLSearchParams, URLSearchParams);
});

Deno.test("node:url: legacy parse, format and resolve", () => {
  const parsed = url.parse("https://user:pw@example.com:8080/p/a?x=1&y=2#frag", true);
  assertStrictEquals(parsed.protocol, "https:");
  assertStrictEquals(parsed.auth, "user:pw");
  assertStrictEquals(parsed.hostname, "example.com");
  assertStrictEquals(parsed.port, "8080");
  assertStrictEquals(parsed.pathname, "/p/a");
  assertStrictEquals(parsed.search, "?x=1&y=2");
  assertStrictEquals(parsed.hash, "#frag");
  assertEquals({ ...parsed.query }, { x: "1", y: "2" });
  assertStrictEquals(url.parse("/only/path?q").pathname, "/only/path");
  assertStrictEquals(url.format({ protocol: "http", host: "a.com", pathname: "/x", query: { q: "1 2" } }), "http://a.com/x?q=1%202");
  assertStrictEquals(url.resolve("http://a.com/b/c", "../d"), "http://a.com/d");
  assertStrictEquals(url.resolve("/one/two", "three"), "/one/three");
});
