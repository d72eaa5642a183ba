import { assert, assertEquals, assertStrictEquals, assertThrows } from "../js/assert.js";
import crypto, { createHash, createHmac, getHashes, randomBytes, randomInt, randomUUID, timingSafeEqual, webcrypto } from "node:crypto";
import { Buffer } from "node:buffer";

// Published vectors: FIPS 180-2 ("abc"), RFC 1321 (MD5), RFC 4231 test case 2 (HMAC).
Deno.test("node:crypto: createHash against published vectors", () => {
  assertStrictEquals(createHash("sha256").update("abc").digest("hex"), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  assertStrictEquals(createHash("sha1").update("abc").digest("hex"), "a9993e364706816aba3e25717850c26c9cd0d89d");
  assertStrictEquals(createHash("md5").update("").digest("hex"), "d41d8cd98f00b204e9800998ecf8427e");
  assertStrictEquals(
    createHash("sha512").update("abc").digest("hex"),
    "ddaf35a193617abacc417349ae20413112e6fa4e89a97ea20a9eeee64b55d39a2192992a274fc1a836ba3c23a3feebbd454d4423643ce80e2a9ac94fa54ca49f",
  );
  assertStrictEquals(createHash("SHA256").update("a").update(Buffer.from("b")).update(new Uint8Array([99])).digest("base64"), "ungWv48Bz+pBQUDeXa4iI7ADYaOWF3qctBD/YfIAFa0=");
  assertStrictEquals(createHash("sha256").update("abc").digest("base64url"), "ungWv48Bz-pBQUDeXa4iI7ADYaOWF3qctBD_YfIAFa0");
  const digest = createHash("sha256").update("abc").digest();
  assert(Buffer.isBuffer(digest));
  assertStrictEquals(digest.length, 32);
  assertStrictEquals(createHash("sha256").update("616263", "hex").digest("hex").slice(0, 8), "ba7816bf");
});

Deno.test("node:crypto: hash copy, finalisation and unknown algorithms", () => {
  const hash = createHash("sha256").update("a");
  const copy = hash.copy();
  hash.update("bc");
  assertStrictEquals(hash.digest("hex").slice(0, 8), "ba7816bf");
  assertStrictEquals(copy.digest("hex"), createHash("sha256").update("a").digest("hex"));
  assertThrows(() => hash.update("more"), Error, "Digest already called");
  assertThrows(() => hash.digest(), Error, "Digest already called");
  assertThrows(() => createHash("nope"), Error, "Digest method not supported");
  assert(getHashes().includes("sha256"));
  assert(getHashes().includes("md5"));
});

Deno.test("node:crypto: createHmac (RFC 4231 case 2)", () => {
  assertStrictEquals(
    createHmac("sha256", "Jefe").update("what do ya want for nothing?").digest("hex"),
    "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843",
  );
  const key = Buffer.from("0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b", "hex");
  assertStrictEquals(
    createHmac("sha256", key).update("Hi There").digest("hex"),
    "b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7",
  );
  assertStrictEquals(createHmac("sha1", "").update("").digest("hex"), "fbdb1d1b18aa6c08324b7d64b71fb76370690e1d");
});

Deno.test("node:crypto: randomness", () => {
  const bytes = randomBytes(16);
  assert(Buffer.isBuffer(bytes));
  assertStrictEquals(bytes.length, 16);
  assert(!bytes.equals(randomBytes(16)));
  assert(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/.test(randomUUID()));
  for (let i = 0; i < 100; i++) {
    const n = randomInt(3, 7);
    assert(Number.isInteger(n) && n >= 3 && n < 7);
  }
  const small = randomInt(2);
  assert(small === 0 || small === 1);
  assertThrows(() => randomInt(5, 5), RangeError);
  assertThrows(() => randomBytes(-1), RangeError);
  const filled = crypto.randomFillSync(new Uint8Array(8));
  assertStrictEquals(filled.length, 8);
  assertStrictEquals(crypto.getRandomValues(new Uint8Array(4)).length, 4);
});

Deno.test("node:crypto: timingSafeEqual and webcrypto", async () => {
  assert(timingSafeEqual(Buffer.from("abc"), Buffer.from("abc")));
  assert(!timingSafeEqual(Buffer.from("abc"), Buffer.from("abd")));
  assertThrows(() => timingSafeEqual(Buffer.from("a"), Buffer.from("ab")), RangeError);
  assertStrictEquals(webcrypto, globalThis.crypto);
  assertStrictEquals(crypto.subtle, globalThis.crypto.subtle);
  const digest = await webcrypto.subtle.digest("SHA-256", new TextEncoder().encode("abc"));
  assertEquals(Buffer.from(digest).toString("hex").slice(0, 8), "ba7816bf");
});
