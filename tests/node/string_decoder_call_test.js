// node:string_decoder's StringDecoder is a function, as Node's is: iconv-lite (under
// body-parser, under express) calls it on an object of its own and shares its prototype.
import { StringDecoder } from "node:string_decoder";
import { Buffer } from "node:buffer";
import { assertEquals } from "../js/assert.js";

Deno.test("string_decoder: StringDecoder.call on an object of one's own", () => {
  function InternalDecoder(encoding) {
    StringDecoder.call(this, encoding);
  }
  InternalDecoder.prototype = StringDecoder.prototype;
  const decoder = new InternalDecoder("utf8");
  const euro = Buffer.from("€");
  assertEquals(decoder.write(euro.subarray(0, 1)), "");
  assertEquals(decoder.write(euro.subarray(1)), "€");
  assertEquals(decoder.end(), "");
  assertEquals(decoder.encoding, "utf8");
});
