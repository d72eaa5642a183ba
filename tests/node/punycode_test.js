import { assertStrictEquals } from "../js/assert.js";
import punycode from "node:punycode";

Deno.test("node:punycode", () => {
  assertStrictEquals(punycode.encode("mañana"), "maana-pta");
  assertStrictEquals(punycode.decode("maana-pta"), "mañana");
  assertStrictEquals(punycode.toASCII("mañana.com"), "xn--maana-pta.com");
  assertStrictEquals(punycode.toUnicode("xn--maana-pta.com"), "mañana.com");
});
