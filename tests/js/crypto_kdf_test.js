// PBKDF2 (RFC 6070) and HKDF (RFC 5869) key derivation.
import { assertEquals, assertStrictEquals } from "./assert.js";
import { hex, rejectsWith, subtle, unhex, utf8 } from "./crypto_util.js";

Deno.test("PBKDF2: RFC 6070 HMAC-SHA1 vectors", async () => {
  const key = await subtle.importKey("raw", utf8("password"), "PBKDF2", false, ["deriveBits"]);
  assertStrictEquals(key.algorithm.name, "PBKDF2");
  assertStrictEquals(key.extractable, false);
  const cases = [
    [1, "0c60c80f961f0e71f3a9b524af6012062fe037a6"],
    [2, "ea6c014dc72d6f8ccd1ed92ace1d41f0d8de8957"],
    [4096, "4b007901b765489abead49d926f721d065a429c1"],
  ];
  for (const [iterations, expected] of cases) {
    const bits = await subtle.deriveBits({ name: "PBKDF2", hash: "SHA-1", salt: utf8("salt"), iterations }, key, 160);
    assertStrictEquals(hex(bits), expected);
  }
  const long = await subtle.importKey("raw", utf8("passwordPASSWORDpassword"), "PBKDF2", false, ["deriveBits"]);
  const bits = await subtle.deriveBits(
    { name: "PBKDF2", hash: "SHA-1", salt: utf8("saltSALTsaltSALTsaltSALTsaltSALTsalt"), iterations: 4096 },
    long,
    200,
  );
  assertStrictEquals(hex(bits), "3d2eec4fe41c849b80c8d83662c0e44a8b291a964cf2f07038");
});

Deno.test("PBKDF2: deriveKey makes an AES key", async () => {
  const key = await subtle.importKey("raw", utf8("password"), "PBKDF2", false, ["deriveKey"]);
  const aes = await subtle.deriveKey(
    { name: "PBKDF2", hash: "SHA-256", salt: utf8("salt"), iterations: 1 },
    key,
    { name: "AES-GCM", length: 256 },
    true,
    ["encrypt"],
  );
  assertEquals(aes.algorithm, { name: "AES-GCM", length: 256 });
  assertStrictEquals(
    hex(await subtle.exportKey("raw", aes)),
    "120fb6cffcf8b32c43e7225256c4f837a86548c92ccc35480805987cb70be17b",
  );
});

Deno.test("HKDF: RFC 5869 test cases 1 and 3", async () => {
  const ikm = await subtle.importKey("raw", unhex("0b".repeat(22)), "HKDF", false, ["deriveBits"]);
  const one = await subtle.deriveBits(
    { name: "HKDF", hash: "SHA-256", salt: unhex("000102030405060708090a0b0c"), info: unhex("f0f1f2f3f4f5f6f7f8f9") },
    ikm,
    42 * 8,
  );
  assertStrictEquals(
    hex(one),
    "3cb25f25faacd57a90434f64d0362f2a2d2d0a90cf1a5a4c5db02d56ecc4c5bf34007208d5b887185865",
  );
  const three = await subtle.deriveBits(
    { name: "HKDF", hash: "SHA-256", salt: new Uint8Array(0), info: new Uint8Array(0) },
    ikm,
    42 * 8,
  );
  assertStrictEquals(
    hex(three),
    "8da4e775a563c18f715f802a063c5a31b8a11f5c5ee1879ec3454e5f3c738d2d9d201395faa4b61a96c8",
  );
});

Deno.test("PBKDF2/HKDF: bad input rejects like Deno", async () => {
  const key = await subtle.importKey("raw", utf8("password"), "PBKDF2", false, ["deriveBits"]);
  const params = { name: "PBKDF2", hash: "SHA-256", salt: utf8("salt"), iterations: 1 };
  await rejectsWith(subtle.deriveBits(params, key, null), "OperationError", "Invalid length");
  await rejectsWith(subtle.deriveBits({ ...params, iterations: 0 }, key, 128), "OperationError");
  await rejectsWith(subtle.deriveBits(params, key, 100), "OperationError");
  await rejectsWith(subtle.exportKey("raw", key), "InvalidAccessError");
  await rejectsWith(subtle.importKey("raw", utf8("p"), "PBKDF2", false, ["sign"]), "SyntaxError");
  await rejectsWith(subtle.importKey("jwk", { kty: "oct", k: "AAAA" }, "HKDF", false, ["deriveBits"]), "NotSupportedError");
  const hkdf = await subtle.importKey("raw", utf8("k"), "HKDF", false, ["deriveBits"]);
  await rejectsWith(
    subtle.deriveBits({ name: "HKDF", hash: "SHA-256", salt: new Uint8Array(), info: new Uint8Array() }, hkdf, 256 * 255 + 8),
    "OperationError",
  );
  await rejectsWith(subtle.deriveBits({ ...params, name: "PBKDF2" }, hkdf, 128), "InvalidAccessError");
});
