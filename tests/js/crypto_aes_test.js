// AES-GCM (NIST CAVP / the GCM specification's test cases), AES-CBC and AES-CTR
// (NIST SP 800-38A appendix F) and AES-KW (RFC 3394).
import { assertEquals, assertStrictEquals } from "./assert.js";
import { b64url, hex, rejectsWith, subtle, unhex } from "./crypto_util.js";

const aesKey = (bytes, name, usages = ["encrypt", "decrypt"], extractable = false) =>
  subtle.importKey("raw", bytes, name, extractable, usages);

Deno.test("AES-GCM: NIST test vectors (zero key; with and without additional data)", async () => {
  const zero = await aesKey(new Uint8Array(16), "AES-GCM");
  const out = await subtle.encrypt({ name: "AES-GCM", iv: new Uint8Array(12) }, zero, new Uint8Array(16));
  assertStrictEquals(hex(out), "0388dace60b6a392f328c2b971b2fe78" + "ab6e47d42cec13bdf53a67b21257bddf");

  const key = await aesKey(unhex("feffe9928665731c6d6a8f9467308308"), "AES-GCM");
  const iv = unhex("cafebabefacedbaddecaf888");
  const plain = unhex(
    "d9313225f88406e5a55909c5aff5269a86a7a9531534f7da2e4c303d8a318a721c3c0c95956809532fcf0e2449a6b525b16aedf5aa0de657ba637b39",
  );
  const aad = unhex("feedfacedeadbeeffeedfacedeadbeefabaddad2");
  const sealed = await subtle.encrypt({ name: "AES-GCM", iv, additionalData: aad }, key, plain);
  assertStrictEquals(
    hex(sealed),
    "42831ec2217774244b7221b784d0d49ce3aa212f2c02a4e035c17e2329aca12e21d514b25466931c7d8f6a5aac84aa051ba30b396a0aac973d58e091" +
      "5bc94fbc3221a5db94fae95ae7121a47",
  );
  const opened = await subtle.decrypt({ name: "AES-GCM", iv, additionalData: aad }, key, sealed);
  assertEquals(new Uint8Array(opened), plain);
  // A tampered tag, or the wrong additional data, fails authentication.
  const bad = new Uint8Array(sealed);
  bad[bad.length - 1] ^= 1;
  await rejectsWith(subtle.decrypt({ name: "AES-GCM", iv, additionalData: aad }, key, bad), "OperationError");
  await rejectsWith(subtle.decrypt({ name: "AES-GCM", iv }, key, sealed), "OperationError");
  // A shorter tag is the prefix of the full one.
  const short = await subtle.encrypt({ name: "AES-GCM", iv, additionalData: aad, tagLength: 96 }, key, plain);
  assertStrictEquals(hex(short).slice(-24), "5bc94fbc3221a5db94fae95a");
});

Deno.test("AES-CBC and AES-CTR: SP 800-38A F.2.1 and F.5.1", async () => {
  const keyBytes = unhex("2b7e151628aed2a6abf7158809cf4f3c");
  const plain = unhex("6bc1bee22e409f96e93d7e117393172aae2d8a571e03ac9c9eb76fac45af8e51");
  const cbc = await aesKey(keyBytes, "AES-CBC");
  const iv = unhex("000102030405060708090a0b0c0d0e0f");
  const sealed = await subtle.encrypt({ name: "AES-CBC", iv }, cbc, plain);
  // WebCrypto adds PKCS#7 padding: one more block after the standard's two.
  assertStrictEquals(sealed.byteLength, 48);
  assertStrictEquals(hex(sealed).slice(0, 64), "7649abac8119b246cee98e9b12e9197d5086cb9b507219ee95db113a917678b2");
  assertEquals(new Uint8Array(await subtle.decrypt({ name: "AES-CBC", iv }, cbc, sealed)), plain);

  const ctr = await aesKey(keyBytes, "AES-CTR");
  const counter = unhex("f0f1f2f3f4f5f6f7f8f9fafbfcfdfeff");
  for (const length of [64, 128]) {
    const out = await subtle.encrypt({ name: "AES-CTR", counter, length }, ctr, plain);
    assertStrictEquals(hex(out), "874d6191b620e3261bef6864990db6ce9806f66b7970fdff8617187bb9fffdff");
    assertEquals(new Uint8Array(await subtle.decrypt({ name: "AES-CTR", counter, length }, ctr, out)), plain);
  }
  // A 32-bit counter wraps within its own bits: block 2 uses ...fb00000000, not ...fc00000000.
  const edge = unhex("f0f1f2f3f4f5f6f7f8f9fafbffffffff");
  const wrapped = await subtle.encrypt({ name: "AES-CTR", counter: edge, length: 32 }, ctr, plain);
  const manual = await subtle.encrypt(
    { name: "AES-CTR", counter: unhex("f0f1f2f3f4f5f6f7f8f9fafb00000000"), length: 32 },
    ctr,
    plain.slice(16),
  );
  assertStrictEquals(hex(wrapped).slice(32), hex(manual));
});

Deno.test("AES-KW: RFC 3394 4.1 wraps a 128-bit key with a 128-bit KEK", async () => {
  const kek = await aesKey(unhex("000102030405060708090a0b0c0d0e0f"), "AES-KW", ["wrapKey", "unwrapKey"]);
  const key = await aesKey(unhex("00112233445566778899aabbccddeeff"), "AES-GCM", ["encrypt"], true);
  const wrapped = await subtle.wrapKey("raw", key, kek, "AES-KW");
  assertStrictEquals(hex(wrapped), "1fa68b0a8112b447aef34bd8fb5a7b829d3e862371d2cfe5");
  const back = await subtle.unwrapKey("raw", wrapped, kek, "AES-KW", "AES-GCM", true, ["encrypt"]);
  assertStrictEquals(hex(await subtle.exportKey("raw", back)), "00112233445566778899aabbccddeeff");
  const bad = new Uint8Array(wrapped);
  bad[0] ^= 1;
  await rejectsWith(subtle.unwrapKey("raw", bad, kek, "AES-KW", "AES-GCM", true, ["encrypt"]), "OperationError");
});

Deno.test("AES: wrapKey in jwk format with AES-GCM", async () => {
  const wrapping = await subtle.generateKey({ name: "AES-GCM", length: 256 }, false, ["wrapKey", "unwrapKey"]);
  const hmac = await subtle.generateKey({ name: "HMAC", hash: "SHA-256" }, true, ["sign", "verify"]);
  const iv = new Uint8Array(12);
  const wrapped = await subtle.wrapKey("jwk", hmac, wrapping, { name: "AES-GCM", iv });
  const back = await subtle.unwrapKey("jwk", wrapped, wrapping, { name: "AES-GCM", iv }, {
    name: "HMAC",
    hash: "SHA-256",
  }, true, ["sign", "verify"]);
  assertEquals(await subtle.exportKey("raw", back), await subtle.exportKey("raw", hmac));
});

Deno.test("AES: key generation, raw and jwk round trips", async () => {
  for (const name of ["AES-GCM", "AES-CBC", "AES-CTR", "AES-KW"]) {
    for (const length of [128, 192, 256]) {
      const usages = name === "AES-KW" ? ["wrapKey", "unwrapKey"] : ["encrypt", "decrypt"];
      const key = await subtle.generateKey({ name, length }, true, usages);
      assertEquals(key.algorithm, { name, length });
      const raw = await subtle.exportKey("raw", key);
      assertStrictEquals(raw.byteLength, length / 8);
      const jwk = await subtle.exportKey("jwk", key);
      assertEquals(jwk, { kty: "oct", alg: `A${length}${name.slice(4)}`, k: b64url(raw), key_ops: usages, ext: true });
      const back = await subtle.importKey("jwk", jwk, name, true, usages);
      assertEquals(await subtle.exportKey("raw", back), raw);
    }
  }
});

Deno.test("AES: bad input rejects like Deno", async () => {
  await rejectsWith(aesKey(new Uint8Array(15), "AES-GCM"), "DataError", "Invalid key length");
  await rejectsWith(subtle.generateKey({ name: "AES-GCM", length: 100 }, false, ["encrypt"]), "OperationError");
  await rejectsWith(aesKey(new Uint8Array(16), "AES-KW", ["encrypt"]), "SyntaxError");
  const cbc = await aesKey(new Uint8Array(16), "AES-CBC");
  await rejectsWith(subtle.encrypt({ name: "AES-CBC", iv: new Uint8Array(12) }, cbc, new Uint8Array(20)), "OperationError");
  await rejectsWith(subtle.encrypt({ name: "AES-GCM", iv: new Uint8Array(12) }, cbc, new Uint8Array(20)), "InvalidAccessError");
  await rejectsWith(subtle.exportKey("spki", await aesKey(new Uint8Array(16), "AES-CBC", ["encrypt"], true)), "NotSupportedError");
  const gcm = await aesKey(new Uint8Array(16), "AES-GCM", ["encrypt"]);
  await rejectsWith(subtle.decrypt({ name: "AES-GCM", iv: new Uint8Array(12) }, gcm, new Uint8Array(32)), "InvalidAccessError");
  await rejectsWith(
    subtle.importKey("jwk", { kty: "oct", k: "AAAAAAAAAAAAAAAAAAAAAA", key_ops: ["decrypt"] }, "AES-GCM", true, ["encrypt"]),
    "DataError",
  );
  await rejectsWith(
    subtle.importKey("jwk", { kty: "oct", k: "AAAAAAAAAAAAAAAAAAAAAA", alg: "A256GCM" }, "AES-GCM", true, ["encrypt"]),
    "DataError",
  );
});
