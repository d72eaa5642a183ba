import { assert, assertEquals, assertStrictEquals, assertThrows } from "../js/assert.js";
import path from "node:path";
import posix from "node:path/posix";
import url, { fileURLToPath, pathToFileURL } from "node:url";
import querystring from "node:querystring";
import { StringDecoder } from "node:string_decoder";
import punycode from "node:punycode";

Deno.test("node:path: POSIX operations", () => {
  assertStrictEquals(path.join("/a/b", "../c", "./d.txt"), "/a/c/d.txt");
  assertStrictEquals(path.resolve("/a", "b", "../c"), "/a/c");
  assertStrictEquals(path.resolve("x"), `${Deno.cwd()}/x`);
  assertStrictEquals(path.normalize("/a//b/../c/."), "/a/c");
  assertStrictEquals(path.relative("/a/b/c", "/a/d"), "../../d");
  assertStrictEquals(path.dirname("/a/b/c.txt"), "/a/b");
  assertStrictEquals(path.basename("/a/b/c.txt", ".txt"), "c");
  assertStrictEquals(path.extname("index.test.js"), ".js");
  assert(path.isAbsolute("/x") && !path.isAbsolute("x"));
  assertEquals(path.parse("/home/u/file.txt"), { root: "/", dir: "/home/u", base: "file.txt", ext: ".txt", name: "file" });
  assertStrictEquals(path.format({ dir: "/x", name: "f", ext: ".js" }), "/x/f.js");
  assertStrictEquals(path.sep, "/");
  assertStrictEquals(path.delimiter, ":");
  assertStrictEquals(path.posix.join("a", "b"), "a/b");
  assertStrictEquals(posix.join("a", "b"), "a/b");
  assertStrictEquals(path.toNamespacedPath("/x"), "/x");
});

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

Deno.test("node:querystring", () => {
  assertEquals({ ...querystring.parse("a=1&b=2&a=3&c=x%20y&d") }, { a: ["1", "3"], b: "2", c: "x y", d: "" });
  assertStrictEquals(querystring.stringify({ a: [1, 2], b: "x y", c: "" }), "a=1&a=2&b=x%20y&c=");
  assertStrictEquals(querystring.stringify({ w: "a&b" }, ";", ":"), "w:a%26b");
  assertEquals({ ...querystring.parse("w:1;v:2", ";", ":") }, { w: "1", v: "2" });
  assertStrictEquals(querystring.escape("a b&"), "a%20b%26");
  assertStrictEquals(querystring.unescape("a%20b"), "a b");
  assertStrictEquals(querystring.encode, querystring.stringify);
});

Deno.test("node:string_decoder: multi-byte characters split across writes", () => {
  const decoder = new StringDecoder("utf8");
  const euro = new Uint8Array([0xe2, 0x82, 0xac]);
  assertStrictEquals(decoder.write(euro.subarray(0, 1)), "");
  assertStrictEquals(decoder.write(euro.subarray(1)), "€");
  assertStrictEquals(decoder.write(new Uint8Array([0xf0, 0x9f])), "");
  assertStrictEquals(decoder.end(), "\ufffd");
  const hex = new StringDecoder("hex");
  assertStrictEquals(hex.write(new Uint8Array([1, 255])), "01ff");
  const base64 = new StringDecoder("base64");
  assertStrictEquals(base64.write(new Uint8Array([104, 105])) + base64.end(), "aGk=");
});

Deno.test("node:punycode", () => {
  assertStrictEquals(punycode.encode("mañana"), "maana-pta");
  assertStrictEquals(punycode.decode("maana-pta"), "mañana");
  assertStrictEquals(punycode.toASCII("mañana.com"), "xn--maana-pta.com");
  assertStrictEquals(punycode.toUnicode("xn--maana-pta.com"), "mañana.com");
});
