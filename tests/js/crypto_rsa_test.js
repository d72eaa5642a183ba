// RSASSA-PKCS1-v1_5, RSA-PSS and RSA-OAEP: generation, sign/verify, encrypt/decrypt and
// round trips in spki, pkcs8 and jwk.
import { assertEquals, assertStrictEquals } from "./assert.js";
import { hex, rejectsWith, subtle, utf8 } from "./crypto_util.js";

const E = new Uint8Array([1, 0, 1]);

Deno.test("RSASSA-PKCS1-v1_5 and RSA-PSS: sign, verify and round trips", async () => {
  for (const name of ["RSASSA-PKCS1-v1_5", "RSA-PSS"]) {
    const alg = { name, modulusLength: 2048, publicExponent: E, hash: "SHA-256" };
    const { privateKey, publicKey } = await subtle.generateKey(alg, true, ["sign", "verify"]);
    assertEquals(publicKey.algorithm, { name, modulusLength: 2048, publicExponent: E, hash: { name: "SHA-256" } });
    const params = { name, saltLength: 32 };
    const data = utf8("hello");
    const sig = await subtle.sign(params, privateKey, data);
    assertStrictEquals(sig.byteLength, 256);
    assertStrictEquals(await subtle.verify(params, publicKey, sig, data), true);
    assertStrictEquals(await subtle.verify(params, publicKey, sig, utf8("hellO")), false);
    if (name === "RSASSA-PKCS1-v1_5") {
      // PKCS#1 v1.5 is deterministic.
      assertStrictEquals(hex(await subtle.sign(params, privateKey, data)), hex(sig));
    }
    const spki = await subtle.exportKey("spki", publicKey);
    const pkcs8 = await subtle.exportKey("pkcs8", privateKey);
    const jwkPub = await subtle.exportKey("jwk", publicKey);
    const jwkPriv = await subtle.exportKey("jwk", privateKey);
    assertStrictEquals(jwkPub.alg, name === "RSA-PSS" ? "PS256" : "RS256");
    assertStrictEquals(jwkPub.e, "AQAB");
    const importAlg = { name, hash: "SHA-256" };
    const pub2 = await subtle.importKey("spki", spki, importAlg, true, ["verify"]);
    const pub3 = await subtle.importKey("jwk", jwkPub, importAlg, true, ["verify"]);
    const priv2 = await subtle.importKey("pkcs8", pkcs8, importAlg, true, ["sign"]);
    const priv3 = await subtle.importKey("jwk", jwkPriv, importAlg, true, ["sign"]);
    assertEquals(pub2.algorithm, publicKey.algorithm);
    assertStrictEquals(await subtle.verify(params, pub3, await subtle.sign(params, priv2, data), data), true);
    assertStrictEquals(await subtle.verify(params, pub2, await subtle.sign(params, priv3, data), data), true);
    assertEquals(await subtle.exportKey("jwk", priv3), jwkPriv);
    assertEquals(new Uint8Array(await subtle.exportKey("spki", pub3)), new Uint8Array(spki));
  }
});

Deno.test("RSA-OAEP: encrypt/decrypt with and without a label, and key wrapping", async () => {
  const alg = { name: "RSA-OAEP", modulusLength: 2048, publicExponent: E, hash: "SHA-256" };
  const { privateKey, publicKey } = await subtle.generateKey(alg, true, ["encrypt", "decrypt", "wrapKey", "unwrapKey"]);
  assertEquals(publicKey.usages, ["encrypt", "wrapKey"]);
  assertEquals(privateKey.usages, ["decrypt", "unwrapKey"]);
  const secret = utf8("attack at dawn");
  const sealed = await subtle.encrypt({ name: "RSA-OAEP" }, publicKey, secret);
  assertStrictEquals(sealed.byteLength, 256);
  assertEquals(new Uint8Array(await subtle.decrypt({ name: "RSA-OAEP" }, privateKey, sealed)), secret);
  const label = utf8("label");
  const labelled = await subtle.encrypt({ name: "RSA-OAEP", label }, publicKey, secret);
  assertEquals(new Uint8Array(await subtle.decrypt({ name: "RSA-OAEP", label }, privateKey, labelled)), secret);
  await rejectsWith(subtle.decrypt({ name: "RSA-OAEP" }, privateKey, labelled), "OperationError");
  const aes = await subtle.generateKey({ name: "AES-GCM", length: 128 }, true, ["encrypt"]);
  const wrapped = await subtle.wrapKey("raw", aes, publicKey, { name: "RSA-OAEP" });
  const back = await subtle.unwrapKey("raw", wrapped, privateKey, { name: "RSA-OAEP" }, "AES-GCM", true, ["encrypt"]);
  assertEquals(await subtle.exportKey("raw", back), await subtle.exportKey("raw", aes));
  const jwk = await subtle.exportKey("jwk", publicKey);
  assertStrictEquals(jwk.alg, "RSA-OAEP-256");
});

Deno.test("RSA: bad input rejects like Deno", async () => {
  const alg = { name: "RSA-PSS", modulusLength: 1024, publicExponent: E, hash: "SHA-256" };
  const { privateKey, publicKey } = await subtle.generateKey(alg, true, ["sign", "verify"]);
  await rejectsWith(subtle.sign({ name: "RSA-PSS", saltLength: 32 }, publicKey, new Uint8Array(1)), "InvalidAccessError");
  await rejectsWith(subtle.exportKey("raw", publicKey), "NotSupportedError");
  await rejectsWith(subtle.exportKey("pkcs8", publicKey), "InvalidAccessError");
  await rejectsWith(subtle.importKey("pkcs8", new Uint8Array(10), { name: "RSA-PSS", hash: "SHA-256" }, false, ["sign"]), "DataError");
  const jwk = await subtle.exportKey("jwk", publicKey);
  await rejectsWith(subtle.importKey("jwk", jwk, { name: "RSA-PSS", hash: "SHA-384" }, false, ["verify"]), "DataError");
  await rejectsWith(subtle.importKey("jwk", { ...jwk, kty: "EC" }, { name: "RSA-PSS", hash: "SHA-256" }, false, ["verify"]), "DataError");
  await rejectsWith(subtle.importKey("jwk", jwk, { name: "RSA-PSS", hash: "SHA-256" }, false, ["sign"]), "SyntaxError");
  await rejectsWith(subtle.encrypt({ name: "RSA-OAEP" }, publicKey, new Uint8Array(1)), "InvalidAccessError");
  // An EC key is not an RSA key.
  const ec = await subtle.generateKey({ name: "ECDSA", namedCurve: "P-256" }, true, ["sign"]);
  const pkcs8 = await subtle.exportKey("pkcs8", ec.privateKey);
  await rejectsWith(subtle.importKey("pkcs8", pkcs8, { name: "RSA-PSS", hash: "SHA-256" }, false, ["sign"]), "DataError");
  void privateKey;
});
