// HMAC against RFC 4231's test cases, plus key formats and bad input.
import { assertEquals, assertStrictEquals } from "./assert.js";
import { b64url, hex, rejectsWith, subtle, unhex, utf8 } from "./crypto_util.js";

async function hmacKey(keyBytes, hash, usages = ["sign", "verify"], extractable = false) {
  return await subtle.importKey("raw", keyBytes, { name: "HMAC", hash }, extractable, usages);
}

const CASES = [
  {
    key: unhex("0b".repeat(20)),
    data: utf8("Hi There"),
    "SHA-256": "b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7",
    "SHA-384": "afd03944d84895626b0825f4ab46907f15f9dadbe4101ec682aa034c7cebc59cfaea9ea9076ede7f4af152e8b2fa9cb6",
    "SHA-512":
      "87aa7cdea5ef619d4ff0b4241a1d6cb02379f4e2ce4ec2787ad0b30545e17cdedaa833b7d6b8a702038b274eaea3f4e4be9d914eeb61f1702e696c203a126854",
  },
  {
    key: utf8("Jefe"),
    data: utf8("what do ya want for nothing?"),
    "SHA-256": "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843",
  },
];

Deno.test("HMAC: RFC 4231 test cases 1 and 2", async () => {
  for (const c of CASES) {
    for (const hash of ["SHA-256", "SHA-384", "SHA-512"]) {
      if (!c[hash]) continue;
      const key = await hmacKey(c.key, hash);
      const mac = await subtle.sign("HMAC", key, c.data);
      assertStrictEquals(hex(mac), c[hash], hash);
      assertStrictEquals(await subtle.verify("HMAC", key, mac, c.data), true);
      const bad = new Uint8Array(mac);
      bad[0] ^= 1;
      assertStrictEquals(await subtle.verify({ name: "HMAC" }, key, bad, c.data), false);
      assertStrictEquals(await subtle.verify("HMAC", key, mac.slice(1), c.data), false);
    }
  }
});

Deno.test("HMAC: the key's algorithm, and raw/jwk export round trips", async () => {
  const key = await hmacKey(utf8("Jefe"), "SHA-256", ["sign", "verify"], true);
  assertStrictEquals(key.type, "secret");
  assertStrictEquals(key.extractable, true);
  assertEquals(key.algorithm, { name: "HMAC", length: 32, hash: { name: "SHA-256" } });
  assertEquals(key.usages, ["sign", "verify"]);
  assertEquals(new Uint8Array(await subtle.exportKey("raw", key)), utf8("Jefe"));
  const jwk = await subtle.exportKey("jwk", key);
  assertEquals(jwk, { kty: "oct", alg: "HS256", k: b64url(utf8("Jefe")), key_ops: ["sign", "verify"], ext: true });
  const back = await subtle.importKey("jwk", jwk, { name: "HMAC", hash: "SHA-256" }, true, ["sign"]);
  assertStrictEquals(
    hex(await subtle.sign("HMAC", back, utf8("what do ya want for nothing?"))),
    CASES[1]["SHA-256"],
  );
});

Deno.test("HMAC: generateKey uses the hash's block size by default", async () => {
  const key = await subtle.generateKey({ name: "HMAC", hash: "SHA-384" }, true, ["sign"]);
  assertEquals(key.algorithm, { name: "HMAC", length: 1024, hash: { name: "SHA-384" } });
  assertStrictEquals((await subtle.exportKey("raw", key)).byteLength, 128);
  const short = await subtle.generateKey({ name: "HMAC", hash: "SHA-256", length: 128 }, false, ["sign"]);
  assertStrictEquals(short.algorithm.length, 128);
  assertStrictEquals((await subtle.sign("HMAC", short, utf8("x"))).byteLength, 32);
});

Deno.test("HMAC: bad input rejects with Deno's DOMExceptions", async () => {
  const key = await hmacKey(utf8("k"), "SHA-256", ["sign"]);
  await rejectsWith(subtle.verify("HMAC", key, new Uint8Array(32), utf8("x")), "InvalidAccessError");
  await rejectsWith(subtle.sign({ name: "ECDSA", hash: "SHA-256" }, key, utf8("x")), "InvalidAccessError");
  await rejectsWith(subtle.exportKey("raw", key), "InvalidAccessError", "Key is not extractable");
  await rejectsWith(hmacKey(utf8("k"), "SHA-256", ["encrypt"]), "SyntaxError", "Invalid key usage");
  await rejectsWith(hmacKey(utf8("k"), "SHA-256", ["sign", "frobnicate"]), "SyntaxError", "Invalid key usage");
  await rejectsWith(
    subtle.verify("HMAC", key, new Uint8Array(32), utf8("x")),
    "InvalidAccessError",
    "The requested operation is not valid for the provided key",
  );
  await rejectsWith(hmacKey(utf8("k"), "SHA-256", []), "SyntaxError");
  await rejectsWith(subtle.generateKey({ name: "HMAC", hash: "SHA-256" }, true, []), "SyntaxError");
  await rejectsWith(subtle.digest("HMAC", utf8("x")), "NotSupportedError");
  await rejectsWith(
    subtle.importKey("jwk", { kty: "RSA", k: "AAAA" }, { name: "HMAC", hash: "SHA-256" }, false, ["sign"]),
    "DataError",
  );
  await rejectsWith(
    subtle.importKey("jwk", { kty: "oct" }, { name: "HMAC", hash: "SHA-256" }, false, ["sign"]),
    "DataError",
  );
  await rejectsWith(
    subtle.importKey("jwk", { kty: "oct", k: "AAAA", alg: "HS512" }, { name: "HMAC", hash: "SHA-256" }, false, [
      "sign",
    ]),
    "DataError",
  );
  await rejectsWith(
    subtle.importKey("jwk", { kty: "oct", k: "AAAA", ext: false }, { name: "HMAC", hash: "SHA-256" }, true, [
      "sign",
    ]),
    "DataError",
  );
});
