// ECDSA and ECDH on P-256, P-384 and P-521: RFC 6979's P-256 key and "sample" signature,
// NIST CAVP SigVer known answers (crypto_ecdsa_sigver.js), and round trips in every format.
import { assertEquals, assertStrictEquals } from "./assert.js";
import { b64url, hex, rejectsWith, subtle, unhex, utf8 } from "./crypto_util.js";
import { SIGVER } from "./crypto_ecdsa_sigver.js";

// RFC 6979 A.2.5: the P-256 key and its SHA-256 signature of "sample" (ECDSA verification
// does not depend on how k was chosen).
const P256 = {
  d: "c9afa9d845ba75166b5c215767b1d6934e50c3db36e89b127b8a622b120f6721",
  x: "60fed4ba255a9d31c961eb74c6356d68c049b8923b61fa6ce669622e60f29fb6",
  y: "7903fe1008b8bc99a41ae9e95628bc64f2f1b20c2d7e9f5177a3c294d4462299",
  r: "efd48b2aacb6a8fd1140dd9cd45e81d69d2c877b56aaf991c34d0ea84eaf3716",
  s: "f7cb1c942d657c41d436c7a1b6e29f65f3e900dbb9aff4064dc4ab2f843acda8",
};

Deno.test("ECDSA: RFC 6979 P-256/SHA-256 signature verifies (raw and jwk public keys)", async () => {
  const raw = unhex("04" + P256.x + P256.y);
  const pub = await subtle.importKey("raw", raw, { name: "ECDSA", namedCurve: "P-256" }, true, ["verify"]);
  const sig = unhex(P256.r + P256.s);
  const alg = { name: "ECDSA", hash: "SHA-256" };
  assertStrictEquals(await subtle.verify(alg, pub, sig, utf8("sample")), true);
  assertStrictEquals(await subtle.verify(alg, pub, sig, utf8("sample!")), false);
  assertStrictEquals(await subtle.verify(alg, pub, sig.slice(1), utf8("sample")), false);
  assertStrictEquals(hex(await subtle.exportKey("raw", pub)), "04" + P256.x + P256.y);
  const jwk = { kty: "EC", crv: "P-256", x: b64url(unhex(P256.x)), y: b64url(unhex(P256.y)) };
  const pub2 = await subtle.importKey("jwk", jwk, { name: "ECDSA", namedCurve: "P-256" }, true, ["verify"]);
  assertStrictEquals(await subtle.verify(alg, pub2, sig, utf8("sample")), true);
  // The private key signs; its signatures verify under the published public key.
  const priv = await subtle.importKey("jwk", { ...jwk, d: b64url(unhex(P256.d)) }, {
    name: "ECDSA",
    namedCurve: "P-256",
  }, true, ["sign"]);
  const mine = await subtle.sign(alg, priv, utf8("sample"));
  assertStrictEquals(mine.byteLength, 64);
  assertStrictEquals(await subtle.verify(alg, pub, mine, utf8("sample")), true);
  const exported = await subtle.exportKey("jwk", priv);
  assertEquals(exported, { kty: "EC", alg: "ES256", crv: "P-256", ...jwk, d: b64url(unhex(P256.d)), key_ops: ["sign"], ext: true });
});

Deno.test("ECDSA: every curve and hash, round trips in raw, jwk, spki and pkcs8", async () => {
  const sizes = { "P-256": 64, "P-384": 96, "P-521": 132 };
  for (const namedCurve of ["P-256", "P-384", "P-521"]) {
    const { privateKey, publicKey } = await subtle.generateKey({ name: "ECDSA", namedCurve }, true, ["sign", "verify"]);
    assertEquals(privateKey.algorithm, { name: "ECDSA", namedCurve });
    assertStrictEquals(privateKey.type, "private");
    assertStrictEquals(publicKey.type, "public");
    assertStrictEquals(publicKey.extractable, true);
    const data = utf8(`message for ${namedCurve}`);
    for (const hash of ["SHA-1", "SHA-256", "SHA-384", "SHA-512"]) {
      if (namedCurve === "P-384" && hash === "SHA-1") continue; // Deno 2 refuses this pair
      const sig = await subtle.sign({ name: "ECDSA", hash }, privateKey, data);
      assertStrictEquals(sig.byteLength, sizes[namedCurve]);
      assertStrictEquals(await subtle.verify({ name: "ECDSA", hash }, publicKey, sig, data), true);
    }
    const alg = { name: "ECDSA", namedCurve };
    const sig = await subtle.sign({ name: "ECDSA", hash: "SHA-256" }, privateKey, data);
    for (const format of ["raw", "spki", "jwk"]) {
      const exported = await subtle.exportKey(format, publicKey);
      const back = await subtle.importKey(format, exported, alg, true, ["verify"]);
      assertStrictEquals(await subtle.verify({ name: "ECDSA", hash: "SHA-256" }, back, sig, data), true);
      assertEquals(await subtle.exportKey(format, back), exported);
    }
    for (const format of ["pkcs8", "jwk"]) {
      const exported = await subtle.exportKey(format, privateKey);
      const back = await subtle.importKey(format, exported, alg, true, ["sign"]);
      const sig2 = await subtle.sign({ name: "ECDSA", hash: "SHA-256" }, back, data);
      assertStrictEquals(await subtle.verify({ name: "ECDSA", hash: "SHA-256" }, publicKey, sig2, data), true);
    }
  }
});

Deno.test("ECDH: both sides derive the same secret, on every curve", async () => {
  const bits = { "P-256": 256, "P-384": 384, "P-521": 528 };
  for (const namedCurve of ["P-256", "P-384", "P-521"]) {
    const a = await subtle.generateKey({ name: "ECDH", namedCurve }, true, ["deriveBits", "deriveKey"]);
    const b = await subtle.generateKey({ name: "ECDH", namedCurve }, true, ["deriveBits"]);
    assertEquals(a.publicKey.usages, []);
    const ab = await subtle.deriveBits({ name: "ECDH", public: b.publicKey }, a.privateKey, null);
    const ba = await subtle.deriveBits({ name: "ECDH", public: a.publicKey }, b.privateKey, null);
    assertStrictEquals(ab.byteLength * 8, bits[namedCurve]);
    assertStrictEquals(hex(ab), hex(ba));
    const half = await subtle.deriveBits({ name: "ECDH", public: a.publicKey }, b.privateKey, 128);
    assertStrictEquals(hex(half), hex(ab).slice(0, 32));
    const hmac = await subtle.deriveKey({ name: "ECDH", public: b.publicKey }, a.privateKey, {
      name: "HMAC",
      hash: "SHA-256",
      length: 256,
    }, true, ["sign"]);
    assertStrictEquals(hex(await subtle.exportKey("raw", hmac)), hex(ab).slice(0, 64));
    const jwk = await subtle.exportKey("jwk", b.publicKey);
    assertStrictEquals(jwk.alg, "ECDH");
    const pkcs8 = await subtle.exportKey("pkcs8", a.privateKey);
    const a2 = await subtle.importKey("pkcs8", pkcs8, { name: "ECDH", namedCurve }, false, ["deriveBits"]);
    const b2 = await subtle.importKey("jwk", jwk, { name: "ECDH", namedCurve }, false, []);
    assertStrictEquals(hex(await subtle.deriveBits({ name: "ECDH", public: b2 }, a2, null)), hex(ab));
  }
});

Deno.test("ECDSA/ECDH: bad input rejects like Deno", async () => {
  await rejectsWith(subtle.generateKey({ name: "ECDSA", namedCurve: "P-999" }, false, ["sign"]), "NotSupportedError");
  await rejectsWith(
    subtle.importKey("raw", new Uint8Array(65), { name: "ECDSA", namedCurve: "P-256" }, false, ["verify"]),
    "DataError",
  );
  await rejectsWith(
    subtle.importKey("spki", new Uint8Array(10), { name: "ECDSA", namedCurve: "P-256" }, false, ["verify"]),
    "DataError",
  );
  const pair = await subtle.generateKey({ name: "ECDSA", namedCurve: "P-256" }, true, ["sign", "verify"]);
  await rejectsWith(subtle.sign({ name: "ECDSA", hash: "SHA-256" }, pair.publicKey, new Uint8Array(1)), "InvalidAccessError");
  await rejectsWith(subtle.exportKey("raw", pair.privateKey), "InvalidAccessError");
  await rejectsWith(subtle.exportKey("spki", pair.privateKey), "InvalidAccessError");
  // A P-256 key is not a P-384 key.
  const spki = await subtle.exportKey("spki", pair.publicKey);
  await rejectsWith(subtle.importKey("spki", spki, { name: "ECDSA", namedCurve: "P-384" }, false, ["verify"]), "DataError");
  const a = await subtle.generateKey({ name: "ECDH", namedCurve: "P-256" }, true, ["deriveBits"]);
  const b = await subtle.generateKey({ name: "ECDH", namedCurve: "P-384" }, true, ["deriveBits"]);
  await rejectsWith(subtle.deriveBits({ name: "ECDH", public: b.publicKey }, a.privateKey, 256), "InvalidAccessError");
  await rejectsWith(subtle.deriveBits({ name: "ECDH", public: a.publicKey }, a.privateKey, 512), "OperationError");
});

// The field size of each curve in bytes: raw points and r||s signatures use it per value.
const SIZE = { "P-256": 32, "P-384": 48, "P-521": 66 };

Deno.test("ECDSA: NIST CAVP SigVer vectors verify true when valid, false when changed", async () => {
  for (const [curve, hash, vectors] of SIGVER) {
    const pad = (value) => value.padStart(SIZE[curve] * 2, "0");
    for (const [msg, qx, qy, r, s, valid] of vectors) {
      const key = await subtle.importKey("raw", unhex("04" + pad(qx) + pad(qy)), { name: "ECDSA", namedCurve: curve },
        false, ["verify"]);
      const verified = await subtle.verify({ name: "ECDSA", hash }, key, unhex(pad(r) + pad(s)), unhex(msg));
      assertStrictEquals(verified, valid, `${curve}/${hash} Qx=${qx.slice(0, 16)}...`);
    }
  }
});
