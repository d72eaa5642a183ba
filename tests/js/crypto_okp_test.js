// Ed25519 (RFC 8032 section 7.1) and X25519 (RFC 7748 section 6.1).
import { assertEquals, assertStrictEquals } from "./assert.js";
import { b64url, hex, rejectsWith, subtle, unhex } from "./crypto_util.js";

const ED = [
  {
    secret: "9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60",
    public: "d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a",
    message: "",
    signature:
      "e5564300c360ac729086e2cc806e828a84877f1eb8e5d974d873e065224901555fb8821590a33bacc61e39701cf9b46bd25bf5f0595bbe24655141438e7a100b",
  },
  {
    secret: "4ccd089b28ff96da9db6c346ec114e0f5b8a319f35aba624da8cf6ed4fb8a6fb",
    public: "3d4017c3e843895a92b70aa74d1b7ebc9c982ccf2ec4968cc0cd55f12af4660c",
    message: "72",
    signature:
      "92a009a9f0d4cab8720e820b5f642540a2b27b5416503f8fb3762223ebdb69da085ac1e43e15996e458f3613d0f11d8c387b2eaeb4302aeeb00d291612bb0c00",
  },
];

Deno.test("Ed25519: RFC 8032 test vectors 1 and 2", async () => {
  for (const v of ED) {
    const jwk = { kty: "OKP", crv: "Ed25519", d: b64url(unhex(v.secret)), x: b64url(unhex(v.public)) };
    const priv = await subtle.importKey("jwk", jwk, "Ed25519", true, ["sign"]);
    const pub = await subtle.importKey("raw", unhex(v.public), { name: "Ed25519" }, true, ["verify"]);
    const sig = await subtle.sign("Ed25519", priv, unhex(v.message));
    assertStrictEquals(hex(sig), v.signature);
    assertStrictEquals(await subtle.verify("Ed25519", pub, sig, unhex(v.message)), true);
    assertStrictEquals(await subtle.verify("Ed25519", pub, sig, unhex(v.message + "00")), false);
    assertStrictEquals(hex(await subtle.exportKey("raw", pub)), v.public);
  }
});

Deno.test("Ed25519: generateKey and round trips in every format", async () => {
  const { privateKey, publicKey } = await subtle.generateKey("Ed25519", true, ["sign", "verify"]);
  assertEquals(privateKey.algorithm, { name: "Ed25519" });
  assertEquals(privateKey.usages, ["sign"]);
  assertEquals(publicKey.usages, ["verify"]);
  const msg = new Uint8Array([1, 2, 3]);
  const sig = await subtle.sign("Ed25519", privateKey, msg);
  const pkcs8 = await subtle.exportKey("pkcs8", privateKey);
  const spki = await subtle.exportKey("spki", publicKey);
  const jwk = await subtle.exportKey("jwk", privateKey);
  assertStrictEquals(jwk.kty, "OKP");
  assertStrictEquals(jwk.crv, "Ed25519");
  const priv2 = await subtle.importKey("pkcs8", pkcs8, "Ed25519", true, ["sign"]);
  const priv3 = await subtle.importKey("jwk", jwk, "Ed25519", true, ["sign"]);
  const pub2 = await subtle.importKey("spki", spki, "Ed25519", true, ["verify"]);
  // Ed25519 is deterministic: the same key signs the same bytes the same way.
  assertStrictEquals(hex(await subtle.sign("Ed25519", priv2, msg)), hex(sig));
  assertStrictEquals(hex(await subtle.sign("Ed25519", priv3, msg)), hex(sig));
  assertStrictEquals(await subtle.verify("Ed25519", pub2, sig, msg), true);
  assertEquals(new Uint8Array(await subtle.exportKey("pkcs8", priv2)), new Uint8Array(pkcs8));
});

Deno.test("X25519: RFC 7748 6.1 shared secret", async () => {
  const alicePriv = "77076d0a7318a57d3c16c17251b26645df4c2f87ebc0992ab177fba51db92c2a";
  const alicePub = "8520f0098930a754748b7ddcb43ef75a0dbf3a0d26381af4eba4a98eaa9b4e6a";
  const bobPriv = "5dab087e624a8a4b79e17f8b83800ee66f3bb1292618b6fd1c2f8b27ff88e0eb";
  const bobPub = "de9edb7d7b7dc1b4d35b61c2ece435373f8343c85b78674dadfc7e146f882b4f";
  const shared = "4a5d9d5ba4ce2de1728e3bf480350f25e07e21c947d19e3376f09b3c1e161742";
  const alice = await subtle.importKey(
    "jwk",
    { kty: "OKP", crv: "X25519", d: b64url(unhex(alicePriv)), x: b64url(unhex(alicePub)) },
    "X25519",
    true,
    ["deriveBits"],
  );
  const bob = await subtle.importKey("raw", unhex(bobPub), "X25519", true, []);
  assertStrictEquals(hex(await subtle.deriveBits({ name: "X25519", public: bob }, alice, 256)), shared);
  const bobKey = await subtle.importKey(
    "jwk",
    { kty: "OKP", crv: "X25519", d: b64url(unhex(bobPriv)), x: b64url(unhex(bobPub)) },
    "X25519",
    false,
    ["deriveBits"],
  );
  const aliceKey = await subtle.importKey("raw", unhex(alicePub), "X25519", true, []);
  assertStrictEquals(hex(await subtle.deriveBits({ name: "X25519", public: aliceKey }, bobKey, 256)), shared);
  assertStrictEquals(hex(await subtle.deriveBits({ name: "X25519", public: aliceKey }, bobKey, 128)), shared.slice(0, 32));
});

Deno.test("X25519: generateKey, deriveKey and spki/pkcs8 round trips", async () => {
  const a = await subtle.generateKey("X25519", true, ["deriveKey", "deriveBits"]);
  const b = await subtle.generateKey({ name: "X25519" }, true, ["deriveBits"]);
  assertEquals(a.publicKey.usages, []);
  const ab = await subtle.deriveBits({ name: "X25519", public: b.publicKey }, a.privateKey, 256);
  const ba = await subtle.deriveBits({ name: "X25519", public: a.publicKey }, b.privateKey, 256);
  assertStrictEquals(hex(ab), hex(ba));
  const aes = await subtle.deriveKey({ name: "X25519", public: b.publicKey }, a.privateKey, { name: "AES-GCM", length: 256 }, true, ["encrypt"]);
  assertStrictEquals(hex(await subtle.exportKey("raw", aes)), hex(ab));
  const spki = await subtle.exportKey("spki", a.publicKey);
  const pkcs8 = await subtle.exportKey("pkcs8", b.privateKey);
  const a2 = await subtle.importKey("spki", spki, "X25519", true, []);
  const b2 = await subtle.importKey("pkcs8", pkcs8, "X25519", true, ["deriveBits"]);
  assertStrictEquals(hex(await subtle.deriveBits({ name: "X25519", public: a2 }, b2, 256)), hex(ab));
});

Deno.test("Ed25519/X25519: bad input rejects like Deno", async () => {
  const { privateKey, publicKey } = await subtle.generateKey("Ed25519", false, ["sign", "verify"]);
  await rejectsWith(subtle.sign("Ed25519", publicKey, new Uint8Array(1)), "InvalidAccessError");
  await rejectsWith(subtle.exportKey("raw", privateKey), "InvalidAccessError");
  await rejectsWith(subtle.importKey("raw", new Uint8Array(31), "Ed25519", true, ["verify"]), "DataError");
  await rejectsWith(subtle.importKey("raw", new Uint8Array(32), "Ed25519", true, ["sign"]), "SyntaxError");
  await rejectsWith(subtle.importKey("spki", new Uint8Array(10), "Ed25519", true, ["verify"]), "DataError");
  await rejectsWith(
    subtle.importKey("jwk", { kty: "OKP", crv: "X25519", x: b64url(new Uint8Array(32)) }, "Ed25519", true, ["verify"]),
    "DataError",
  );
  await rejectsWith(subtle.generateKey("Ed25519", true, ["encrypt"]), "SyntaxError");
});
