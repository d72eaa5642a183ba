// SubtleCrypto.digest against FIPS 180-4's examples (the "abc" and two-block messages).
import { assertEquals, assertRejects, assertStrictEquals } from "./assert.js";
import { hex, rejectsWith, subtle, utf8 } from "./crypto_util.js";

const ABC = {
  "SHA-1": "a9993e364706816aba3e25717850c26c9cd0d89d",
  "SHA-256": "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad",
  "SHA-384":
    "cb00753f45a35e8bb5a03d699ac65007272c32ab0eded1631a8b605a43ff5bed8086072ba1e7cc2358baeca134c825a7",
  "SHA-512":
    "ddaf35a193617abacc417349ae20413112e6fa4e89a97ea20a9eeee64b55d39a2192992a274fc1a836ba3c23a3feebbd454d4423643ce80e2a9ac94fa54ca49f",
};

Deno.test("crypto.subtle.digest: FIPS 180 'abc' for every SHA", async () => {
  for (const [name, expected] of Object.entries(ABC)) {
    assertStrictEquals(hex(await subtle.digest(name, utf8("abc"))), expected, name);
  }
});

Deno.test("crypto.subtle.digest: FIPS 180 two-block message, and the empty message", async () => {
  const msg = utf8("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq");
  assertStrictEquals(
    hex(await subtle.digest({ name: "sha-256" }, msg)),
    "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1",
  );
  assertStrictEquals(
    hex(await subtle.digest("SHA-256", new ArrayBuffer(0))),
    "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
  );
});

Deno.test("crypto.subtle.digest: accepts any BufferSource view and returns an ArrayBuffer", async () => {
  const bytes = utf8("xxabcxx");
  const out = await subtle.digest("SHA-1", new DataView(bytes.buffer, 2, 3));
  assertStrictEquals(out instanceof ArrayBuffer, true);
  assertStrictEquals(hex(out), ABC["SHA-1"]);
  const big = new Uint8Array(1_000_000).fill(0x61);
  assertStrictEquals(
    hex(await subtle.digest("SHA-256", big)),
    "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0",
  );
});

Deno.test("crypto.subtle.digest: bad input rejects like Deno", async () => {
  await rejectsWith(subtle.digest("MD5", new Uint8Array(1)), "NotSupportedError", "Algorithm 'MD5' is not supported");
  await assertRejects(() => subtle.digest({}, new Uint8Array(1)), TypeError);
  await assertRejects(() => subtle.digest("SHA-256", "text"), TypeError);
  await assertRejects(() => subtle.digest("SHA-256"), TypeError);
  const p = subtle.digest();
  assertStrictEquals(p instanceof Promise, true);
  await assertRejects(() => p, TypeError);
});

Deno.test("crypto.subtle and its interfaces", () => {
  assertStrictEquals(typeof SubtleCrypto, "function");
  assertStrictEquals(typeof CryptoKey, "function");
  assertStrictEquals(crypto.subtle instanceof SubtleCrypto, true);
  assertStrictEquals(String(crypto.subtle), "[object SubtleCrypto]");
  assertEquals(
    ["decrypt", "deriveBits", "deriveKey", "digest", "encrypt", "exportKey", "generateKey", "importKey", "sign",
      "unwrapKey", "verify", "wrapKey"].every((m) => typeof SubtleCrypto.prototype[m] === "function"),
    true,
  );
  let threw = false;
  try {
    new CryptoKey();
  } catch (e) {
    threw = e instanceof TypeError;
  }
  assertStrictEquals(threw, true);
});

Deno.test("CryptoKey: attributes, brand checks and inspect", async () => {
  const key = await subtle.importKey("raw", new Uint8Array(16), "AES-GCM", true, ["encrypt"]);
  assertStrictEquals(Object.prototype.toString.call(key), "[object CryptoKey]");
  assertEquals(Object.keys(key), []);
  assertStrictEquals(key instanceof CryptoKey, true);
  assertStrictEquals(
    Deno.inspect(key),
    'CryptoKey {\n  type: "secret",\n  extractable: true,\n  algorithm: { name: "AES-GCM", length: 128 },\n  usages: [ "encrypt" ]\n}',
  );
  const getter = Object.getOwnPropertyDescriptor(CryptoKey.prototype, "type").get;
  let threw = false;
  try {
    getter.call({});
  } catch (e) {
    threw = e instanceof TypeError;
  }
  assertStrictEquals(threw, true);
  // A look-alike object is not a key.
  const fake = { type: "secret", extractable: true, algorithm: { name: "AES-GCM", length: 128 }, usages: ["encrypt"] };
  await assertRejects(() => subtle.encrypt({ name: "AES-GCM", iv: new Uint8Array(12) }, fake, new Uint8Array(1)), TypeError);
  await assertRejects(() => subtle.exportKey("raw", Object.create(CryptoKey.prototype)), TypeError);
});
