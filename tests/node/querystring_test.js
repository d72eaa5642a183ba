import { assertEquals, assertStrictEquals } from "../js/assert.js";
import querystring from "node:querystring";

Deno.test("node:querystring", () => {
  assertEquals({ ...querystring.parse("a=1&b=2&a=3&c=x%20y&d") }, { a: ["1", "3"], b: "2", c: "x y", d: "" });
  assertStrictEquals(querystring.stringify({ a: [1, 2], b: "x y", c: "" }), "a=1&a=2&b=x%20y&c=");
  assertStrictEquals(querystring.stringify({ w: "a&b" }, ";", ":"), "w:a%26b");
  assertEquals({ ...querystring.parse("w:1;v:2", ";", ":") }, { w: "1", v: "2" });
  assertStrictEquals(querystring.escape("a b&"), "a%20b%26");
  assertStrictEquals(querystring.unescape("a%20b"), "a b");
  assertStrictEquals(querystring.encode, querystring.stringify);
});

Deno.test("node:querystring: unescapeBuffer", () => {
  const bytes = querystring.unescapeBuffer("a%20b%e2%82%ac%zz");
  assertStrictEquals(bytes.toString(), "a b€%zz");
});
