import { assertStrictEquals } from "../js/assert.js";
import { StringDecoder } from "node:string_decoder";

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
