import { assert, assertEquals, assertStrictEquals, assertThrows } from "../js/assert.js";
import crypto, { createHash, createHmac, getHashes, randomBytes, randomInt, randomUUID, timingSafeEqual, webcrypto } from "node:crypto";
import { Buffer } from "node:buffer";
import { promisify } from "node:util";

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

const hex = (text) => Buffer.from(text, "hex");

// The Galois/Counter Mode spec's test cases 2 and 4 (McGrew & Viega, as NIST's GCM
// validation uses them).
Deno.test("node:crypto: AES-GCM against the GCM spec's vectors", () => {
  const zero = Buffer.alloc(16);
  const c2 = crypto.createCipheriv("aes-128-gcm", zero, Buffer.alloc(12));
  assertStrictEquals(Buffer.concat([c2.update(zero), c2.final()]).toString("hex"), "0388dace60b6a392f328c2b971b2fe78");
  assertStrictEquals(c2.getAuthTag().toString("hex"), "ab6e47d42cec13bdf53a67b21257bddf");

  const key = hex("feffe9928665731c6d6a8f9467308308");
  const iv = hex("cafebabefacedbaddecaf888");
  const aad = hex("feedfacedeadbeeffeedfacedeadbeefabaddad2");
  const plain = hex("d9313225f88406e5a55909c5aff5269a86a7a9531534f7da2e4c303d8a318a721c3c0c95956809532fcf0e2449a6b525b16aedf5aa0de657ba637b39");
  const sealed = "42831ec2217774244b7221b784d0d49ce3aa212f2c02a4e035c17e2329aca12e21d514b25466931c7d8f6a5aac84aa051ba30b396a0aac973d58e091";
  const tag = "5bc94fbc3221a5db94fae95ae7121a47";
  const cipher = crypto.createCipheriv("aes-128-gcm", key, iv).setAAD(aad);
  assertStrictEquals(cipher.update(plain, undefined, "hex") + cipher.final("hex"), sealed);
  assertStrictEquals(cipher.getAuthTag().toString("hex"), tag);

  const decipher = crypto.createDecipheriv("aes-128-gcm", key, iv).setAAD(aad).setAuthTag(hex(tag));
  assert(Buffer.concat([decipher.update(sealed, "hex"), decipher.final()]).equals(plain));

  const forged = crypto.createDecipheriv("aes-128-gcm", key, iv).setAAD(aad).setAuthTag(hex("00".repeat(16)));
  forged.update(sealed, "hex");
  assertThrows(() => forged.final(), Error, "Unsupported state or unable to authenticate data");
  const short = crypto.createCipheriv("aes-128-gcm", key, iv, { authTagLength: 12 });
  short.update("x");
  short.final();
  assertStrictEquals(short.getAuthTag().length, 12);
});

// NIST SP 800-38A, F.2.1 (CBC-AES128.Encrypt) and F.5.1 (CTR-AES128.Encrypt).
Deno.test("node:crypto: AES-CBC and AES-CTR against SP 800-38A", () => {
  const key = hex("2b7e151628aed2a6abf7158809cf4f3c");
  const blocks = hex("6bc1bee22e409f96e93d7e117393172aae2d8a571e03ac9c9eb76fac45af8e51");
  const cbc = crypto.createCipheriv("aes-128-cbc", key, hex("000102030405060708090a0b0c0d0e0f")).setAutoPadding(false);
  assertStrictEquals(
    Buffer.concat([cbc.update(blocks), cbc.final()]).toString("hex"),
    "7649abac8119b246cee98e9b12e9197d5086cb9b507219ee95db113a917678b2",
  );
  const ctr = crypto.createCipheriv("aes-128-ctr", key, hex("f0f1f2f3f4f5f6f7f8f9fafbfcfdfeff"));
  assertStrictEquals(ctr.update(blocks.subarray(0, 16)).toString("hex") + ctr.final("hex"), "874d6191b620e3261bef6864990db6ce");

  // PKCS#7 padding on by default: a round trip of an odd length, in pieces and as text.
  const key256 = crypto.randomBytes(32);
  const iv = crypto.randomBytes(16);
  const c = crypto.createCipheriv("aes-256-cbc", key256, iv);
  const sealed = c.update("hello, ", "utf8", "base64") + c.update("padded world", "utf8", "base64") + c.final("base64");
  assertStrictEquals(Buffer.from(sealed, "base64").length, 32);
  const d = crypto.createDecipheriv("aes-256-cbc", key256, iv);
  assertStrictEquals(d.update(sealed, "base64", "utf8") + d.final("utf8"), "hello, padded world");
  const wrong = crypto.createDecipheriv("aes-256-cbc", crypto.randomBytes(32), iv);
  wrong.update(sealed, "base64");
  assertThrows(() => wrong.final());
});

Deno.test("node:crypto: cipher argument errors", () => {
  const unknown = assertThrows(() => crypto.createCipheriv("aes-128-nope", Buffer.alloc(16), Buffer.alloc(16)));
  assertStrictEquals(unknown.code, "ERR_CRYPTO_UNKNOWN_CIPHER");
  assertThrows(() => crypto.createCipheriv("aes-128-cbc", Buffer.alloc(15), Buffer.alloc(16)), RangeError, "Invalid key length");
  assertThrows(() => crypto.createCipheriv("aes-128-cbc", Buffer.alloc(16), Buffer.alloc(3)), TypeError, "Invalid initialization vector");
  const c = crypto.createCipheriv("aes-128-gcm", Buffer.alloc(16), Buffer.alloc(12));
  assertStrictEquals(assertThrows(() => c.getAuthTag()).code, "ERR_CRYPTO_INVALID_STATE");
  c.final();
  assertStrictEquals(assertThrows(() => c.final()).code, "ERR_CRYPTO_INVALID_STATE");
  assert(crypto.getCiphers().includes("aes-256-gcm"));
  assert(crypto.getCiphers().includes("aes-128-cbc"));
  assert(crypto.getCurves().includes("prime256v1"));
  assert(crypto.getCurves().includes("secp384r1"));
  assertEquals(crypto.getCipherInfo("aes-256-gcm").keyLength, 32);
});

// RFC 6070 (PBKDF2-HMAC-SHA1), RFC 7914 section 12 (scrypt), RFC 5869 A.1 (HKDF-SHA256).
Deno.test("node:crypto: pbkdf2, scrypt and hkdf against their RFCs", async () => {
  assertStrictEquals(crypto.pbkdf2Sync("password", "salt", 1, 20, "sha1").toString("hex"), "0c60c80f961f0e71f3a9b524af6012062fe037a6");
  assertStrictEquals(crypto.pbkdf2Sync("password", "salt", 2, 20, "sha1").toString("hex"), "ea6c014dc72d6f8ccd1ed92ace1d41f0d8de8957");
  const slow = await new Promise((resolve, reject) =>
    crypto.pbkdf2("password", "salt", 4096, 20, "sha1", (err, key) => (err ? reject(err) : resolve(key)))
  );
  assertStrictEquals(slow.toString("hex"), "4b007901b765489abead49d926f721d065a429c1");
  const digest = assertThrows(() => crypto.pbkdf2Sync("p", "s", 1, 8, "nope"), TypeError);
  assertStrictEquals(digest.code, "ERR_CRYPTO_INVALID_DIGEST");

  assertStrictEquals(
    crypto.scryptSync("", "", 64, { N: 16, r: 1, p: 1 }).toString("hex"),
    "77d6576238657b203b19ca42c18a0497f16b4844e3074ae8dfdffa3fede21442fcd0069ded0948f8326a753a0fc81f17e8d3e0fb2e0d3628cf35e20c38d18906",
  );
  const nacl = await new Promise((resolve, reject) =>
    crypto.scrypt("password", "NaCl", 64, { cost: 1024, blockSize: 8, parallelization: 16 }, (err, key) => (err ? reject(err) : resolve(key)))
  );
  assertStrictEquals(
    nacl.toString("hex"),
    "fdbabe1c9d3472007856e7190d01e9fe7c6ad7cbc8237830e77376634b3731622eaf30d92e22a3886ff109279d9830dac727afb94a83ee6d8360cbdfa2cc0640",
  );
  assertThrows(() => crypto.scryptSync("p", "s", 16, { N: 3 }), RangeError);

  const okm = crypto.hkdfSync("sha256", hex("0b".repeat(22)), hex("000102030405060708090a0b0c"), hex("f0f1f2f3f4f5f6f7f8f9"), 42);
  assert(okm instanceof ArrayBuffer);
  assertStrictEquals(Buffer.from(okm).toString("hex"), "3cb25f25faacd57a90434f64d0362f2a2d2d0a90cf1a5a4c5db02d56ecc4c5bf34007208d5b887185865");
  const viaCallback = await new Promise((resolve, reject) =>
    crypto.hkdf("sha256", crypto.createSecretKey(hex("0b".repeat(22))), hex("000102030405060708090a0b0c"), hex("f0f1f2f3f4f5f6f7f8f9"), 42, (err, key) => (err ? reject(err) : resolve(key)))
  );
  assertStrictEquals(Buffer.from(viaCallback).toString("hex"), Buffer.from(okm).toString("hex"));
  assertThrows(() => crypto.hkdfSync("sha256", "k", "s", "i", 255 * 32 + 1), RangeError);
});

// RFC 8032 section 7.1, TEST 1.
Deno.test("node:crypto: Ed25519 against RFC 8032", () => {
  const d = hex("9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60").toString("base64url");
  const x = hex("d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a").toString("base64url");
  const privateKey = crypto.createPrivateKey({ key: { kty: "OKP", crv: "Ed25519", d, x }, format: "jwk" });
  const publicKey = crypto.createPublicKey({ key: { kty: "OKP", crv: "Ed25519", x }, format: "jwk" });
  assertStrictEquals(privateKey.asymmetricKeyType, "ed25519");
  const signature = crypto.sign(null, Buffer.alloc(0), privateKey);
  assertStrictEquals(
    signature.toString("hex"),
    "e5564300c360ac729086e2cc806e828a84877f1eb8e5d974d873e065224901555fb8821590a33bacc61e39701cf9b46bd25bf5f0595bbe24655141438e7a100b",
  );
  assert(crypto.verify(null, Buffer.alloc(0), publicKey, signature));
  assert(!crypto.verify(null, Buffer.from("x"), publicKey, signature));
  assertEquals(crypto.createPublicKey(privateKey).export({ format: "jwk" }), { crv: "Ed25519", x, kty: "OKP" });
});

Deno.test("node:crypto: RSA keys: generate, PEM/DER/JWK, sign and verify, encrypt", () => {
  const { publicKey, privateKey } = crypto.generateKeyPairSync("rsa", {
    modulusLength: 2048,
    publicKeyEncoding: { type: "spki", format: "pem" },
    privateKeyEncoding: { type: "pkcs8", format: "pem" },
  });
  assert(publicKey.startsWith("-----BEGIN PUBLIC KEY-----\n"));
  assert(privateKey.startsWith("-----BEGIN PRIVATE KEY-----\n"));
  const data = Buffer.from("message to sign");
  const signature = crypto.createSign("RSA-SHA256").update("message ").update("to sign").sign(privateKey);
  assertStrictEquals(signature.length, 256);
  assert(crypto.createVerify("sha256").update(data).verify(publicKey, signature));
  assert(crypto.verify("sha256", data, publicKey, signature));
  assert(!crypto.verify("sha256", Buffer.from("other"), publicKey, signature));
  // PKCS#1 v1.5 signatures are deterministic.
  assert(crypto.sign("sha256", data, privateKey).equals(signature));

  const pss = { key: privateKey, padding: crypto.constants.RSA_PKCS1_PSS_PADDING, saltLength: 32 };
  const pssSignature = crypto.sign("sha256", data, pss);
  assert(crypto.verify("sha256", data, { key: publicKey, padding: crypto.constants.RSA_PKCS1_PSS_PADDING, saltLength: 32 }, pssSignature));
  assert(!crypto.verify("sha256", data, publicKey, pssSignature));

  const keyObject = crypto.createPrivateKey(privateKey);
  assertStrictEquals(keyObject.type, "private");
  assertStrictEquals(keyObject.asymmetricKeyType, "rsa");
  assertEquals(keyObject.asymmetricKeyDetails, { modulusLength: 2048, publicExponent: 65537n });
  const pkcs1 = keyObject.export({ type: "pkcs1", format: "pem" });
  assert(pkcs1.startsWith("-----BEGIN RSA PRIVATE KEY-----"));
  const der = crypto.createPublicKey(publicKey).export({ type: "spki", format: "der" });
  assert(Buffer.isBuffer(der));
  const fromDer = crypto.createPublicKey({ key: der, format: "der", type: "spki" });
  assertStrictEquals(fromDer.export({ type: "spki", format: "pem" }), publicKey);
  const jwk = keyObject.export({ format: "jwk" });
  assertStrictEquals(jwk.kty, "RSA");
  assertStrictEquals(jwk.e, "AQAB");
  const fromJwk = crypto.createPrivateKey({ key: jwk, format: "jwk" });
  assert(fromJwk.equals(keyObject));
  assert(crypto.createPublicKey(keyObject).equals(crypto.createPublicKey(publicKey)));

  const encrypted = keyObject.export({ type: "pkcs8", format: "pem", cipher: "aes-256-cbc", passphrase: "top secret" });
  assert(encrypted.startsWith("-----BEGIN ENCRYPTED PRIVATE KEY-----"));
  assertThrows(() => crypto.createPrivateKey(encrypted));
  assert(crypto.createPrivateKey({ key: encrypted, passphrase: "top secret" }).equals(keyObject));
  assertThrows(() => crypto.createPrivateKey({ key: encrypted, passphrase: "wrong" }));
  assertThrows(() => crypto.createPrivateKey("not a key"));

  const sealed = crypto.publicEncrypt(publicKey, Buffer.from("secret"));
  assertStrictEquals(crypto.privateDecrypt(privateKey, sealed).toString(), "secret");
  const oaep256 = crypto.publicEncrypt({ key: publicKey, oaepHash: "sha256" }, Buffer.from("two"));
  assertStrictEquals(crypto.privateDecrypt({ key: privateKey, oaepHash: "sha256" }, oaep256).toString(), "two");
  const pkcs1Sealed = crypto.publicEncrypt({ key: publicKey, padding: crypto.constants.RSA_PKCS1_PADDING }, Buffer.from("three"));
  assertStrictEquals(crypto.privateDecrypt({ key: privateKey, padding: crypto.constants.RSA_PKCS1_PADDING }, pkcs1Sealed).toString(), "three");
  const signedRaw = crypto.privateEncrypt(privateKey, Buffer.from("four"));
  assertStrictEquals(crypto.publicDecrypt(publicKey, signedRaw).toString(), "four");
});

Deno.test("node:crypto: EC keys: ECDSA in DER and IEEE P1363, SEC1, ECDH", () => {
  const { publicKey, privateKey } = crypto.generateKeyPairSync("ec", { namedCurve: "P-256" });
  assertStrictEquals(privateKey.asymmetricKeyType, "ec");
  assertEquals(privateKey.asymmetricKeyDetails, { namedCurve: "prime256v1" });
  const data = Buffer.from("ec data");
  const der = crypto.sign("sha256", data, privateKey);
  assertStrictEquals(der[0], 0x30);
  assert(crypto.verify("sha256", data, publicKey, der));
  const p1363 = crypto.sign("sha256", data, { key: privateKey, dsaEncoding: "ieee-p1363" });
  assertStrictEquals(p1363.length, 64);
  assert(crypto.verify("sha256", data, { key: publicKey, dsaEncoding: "ieee-p1363" }, p1363));
  assert(!crypto.verify("sha256", data, publicKey, p1363));
  const sec1 = privateKey.export({ type: "sec1", format: "pem" });
  assert(sec1.startsWith("-----BEGIN EC PRIVATE KEY-----"));
  assert(crypto.createPrivateKey(sec1).equals(privateKey));
  const jwk = publicKey.export({ format: "jwk" });
  assertStrictEquals(jwk.crv, "P-256");
  assert(crypto.createPublicKey({ key: jwk, format: "jwk" }).equals(publicKey));
  const k1 = crypto.generateKeyPairSync("ec", { namedCurve: "secp256k1" });
  assert(crypto.verify("sha256", data, k1.publicKey, crypto.sign("sha256", data, k1.privateKey)));

  const alice = crypto.createECDH("prime256v1");
  const bob = crypto.createECDH("prime256v1");
  const alicePublic = alice.generateKeys();
  assertStrictEquals(alicePublic.length, 65);
  const bobPublic = bob.generateKeys("hex", "compressed");
  assertStrictEquals(bobPublic.length, 66);
  const s1 = alice.computeSecret(bobPublic, "hex");
  assert(s1.equals(bob.computeSecret(alicePublic)));
  const carol = crypto.createECDH("prime256v1");
  carol.setPrivateKey(alice.getPrivateKey());
  assert(carol.getPublicKey().equals(alicePublic));
  const invalid = assertThrows(() => alice.computeSecret(Buffer.from("04abcd", "hex")));
  assertStrictEquals(invalid.code, "ERR_CRYPTO_ECDH_INVALID_PUBLIC_KEY");

  const x1 = crypto.generateKeyPairSync("x25519");
  const x2 = crypto.generateKeyPairSync("x25519");
  const shared = crypto.diffieHellman({ privateKey: x1.privateKey, publicKey: x2.publicKey });
  assertStrictEquals(shared.length, 32);
  assert(shared.equals(crypto.diffieHellman({ privateKey: x2.privateKey, publicKey: x1.publicKey })));
});

Deno.test("node:crypto: generateKeyPair's callback and secret KeyObjects", async () => {
  const [publicKey, privateKey] = await new Promise((resolve, reject) =>
    crypto.generateKeyPair("ed25519", { publicKeyEncoding: { type: "spki", format: "der" } }, (err, pub, priv) => (err ? reject(err) : resolve([pub, priv])))
  );
  assert(Buffer.isBuffer(publicKey));
  assertStrictEquals(publicKey.length, 44);
  assertStrictEquals(privateKey.type, "private");
  const secret = crypto.createSecretKey(Buffer.from("0123456789abcdef"));
  assertStrictEquals(secret.type, "secret");
  assertStrictEquals(secret.symmetricKeySize, 16);
  assertStrictEquals(secret.export().toString(), "0123456789abcdef");
  assertEquals(secret.export({ format: "jwk" }), { kty: "oct", k: "MDEyMzQ1Njc4OWFiY2RlZg" });
  assertStrictEquals(crypto.createHmac("sha256", secret).update("x").digest("hex"), crypto.createHmac("sha256", "0123456789abcdef").update("x").digest("hex"));
  assert(secret.equals(crypto.createSecretKey("0123456789abcdef", "utf8")));
  assert(secret instanceof crypto.KeyObject);
  assertStrictEquals(crypto.generateKeySync("aes", { length: 256 }).symmetricKeySize, 32);
});

Deno.test("node:crypto: interoperates with crypto.subtle", async () => {
  const raw = crypto.randomBytes(32);
  const iv = crypto.randomBytes(12);
  const aesKey = await crypto.subtle.importKey("raw", raw, "AES-GCM", true, ["encrypt", "decrypt"]);
  // node:crypto seals, crypto.subtle opens (WebCrypto's ciphertext carries the tag).
  const cipher = crypto.createCipheriv("aes-256-gcm", raw, iv).setAAD(Buffer.from("aad"));
  const sealed = Buffer.concat([cipher.update("from node"), cipher.final(), cipher.getAuthTag()]);
  const opened = await crypto.subtle.decrypt({ name: "AES-GCM", iv, additionalData: Buffer.from("aad") }, aesKey, sealed);
  assertStrictEquals(new TextDecoder().decode(opened), "from node");
  // crypto.subtle seals, node:crypto opens.
  const webSealed = Buffer.from(await crypto.subtle.encrypt({ name: "AES-GCM", iv }, aesKey, new TextEncoder().encode("from subtle")));
  const decipher = crypto.createDecipheriv("aes-256-gcm", raw, iv).setAuthTag(webSealed.subarray(-16));
  assertStrictEquals(decipher.update(webSealed.subarray(0, -16), undefined, "utf8") + decipher.final("utf8"), "from subtle");

  // ECDSA both ways: WebCrypto's signatures are IEEE P1363.
  const pair = await crypto.subtle.generateKey({ name: "ECDSA", namedCurve: "P-256" }, true, ["sign", "verify"]);
  const data = new TextEncoder().encode("signed data");
  const webSignature = await crypto.subtle.sign({ name: "ECDSA", hash: "SHA-256" }, pair.privateKey, data);
  const spki = Buffer.from(await crypto.subtle.exportKey("spki", pair.publicKey));
  const nodePublic = crypto.createPublicKey({ key: spki, format: "der", type: "spki" });
  assert(crypto.verify("sha256", data, { key: nodePublic, dsaEncoding: "ieee-p1363" }, Buffer.from(webSignature)));
  const pkcs8 = Buffer.from(await crypto.subtle.exportKey("pkcs8", pair.privateKey));
  const nodePrivate = crypto.createPrivateKey({ key: pkcs8, format: "der", type: "pkcs8" });
  const nodeSignature = crypto.sign("sha256", data, { key: nodePrivate, dsaEncoding: "ieee-p1363" });
  assert(await crypto.subtle.verify({ name: "ECDSA", hash: "SHA-256" }, pair.publicKey, nodeSignature, data));

  // KeyObject.from shares the CryptoKey's key.
  const fromCryptoKey = crypto.KeyObject.from(pair.publicKey);
  assertStrictEquals(fromCryptoKey.type, "public");
  assert(fromCryptoKey.equals(nodePublic));
  const { kty, crv, x, y } = await crypto.subtle.exportKey("jwk", pair.publicKey);
  assertEquals(fromCryptoKey.export({ format: "jwk" }), { kty, crv, x, y });
  const secret = crypto.KeyObject.from(aesKey);
  assert(secret.export().equals(raw));
});

Deno.test("node:crypto: pbkdf2's callback form lets the event loop turn while it works", async () => {
  let ticks = 0;
  let done = false;
  const tick = () => {
    ticks++;
    if (!done) setTimeout(tick, 0);
  };
  const key = await new Promise((resolve, reject) => {
    crypto.pbkdf2("password", "salt", 300000, 32, "sha256", (err, out) => (err ? reject(err) : resolve(out)));
    setTimeout(tick, 0);
  });
  done = true;
  assert(ticks >= 1, `the loop turned ${ticks} times`);
  assert(key.equals(crypto.pbkdf2Sync("password", "salt", 300000, 32, "sha256")));
  const [publicKey] = await new Promise((resolve, reject) =>
    crypto.generateKeyPair("rsa", { modulusLength: 1024 }, (err, pub, priv) => (err ? reject(err) : resolve([pub, priv])))
  );
  assertStrictEquals(publicKey.asymmetricKeyDetails.modulusLength, 1024);
  const promised = await promisify(crypto.generateKeyPair)("ec", { namedCurve: "P-384" });
  assertStrictEquals(promised.privateKey.asymmetricKeyDetails.namedCurve, "secp384r1");
  assertStrictEquals(promised.publicKey.type, "public");
  const scryptError = assertThrows(() => crypto.scrypt("p", "s", 16, { N: 1024, r: 8, maxmem: 1024 }, () => {}), RangeError);
  assertStrictEquals(scryptError.code, "ERR_CRYPTO_INVALID_SCRYPT_PARAMS");
});

Deno.test("node:crypto: what is not provided says so by name", () => {
  // Both runtimes have these; a missing one would be "is not a function".
  for (const name of ["createCipheriv", "createDecipheriv", "createSign", "createVerify", "sign", "verify", "generateKeyPair", "generateKeyPairSync", "createPublicKey", "createPrivateKey", "createSecretKey", "pbkdf2", "pbkdf2Sync", "scrypt", "scryptSync", "hkdf", "hkdfSync", "createECDH", "diffieHellman", "publicEncrypt", "privateDecrypt", "privateEncrypt", "publicDecrypt", "getCiphers", "getCurves", "getHashes", "getCipherInfo", "generateKey", "generateKeySync"]) {
    assertStrictEquals(typeof crypto[name], "function", name);
  }
  assertStrictEquals(typeof crypto.KeyObject.from, "function");
  assertStrictEquals(crypto.constants.RSA_PKCS1_PSS_PADDING, 6);
  assertStrictEquals(crypto.constants.RSA_PSS_SALTLEN_DIGEST, -1);
});

// A self-signed P-256 certificate (made with `openssl req -x509 -newkey ec`): its public
// key, as `openssl ec -pubout` prints it for the certificate's private key.
const CERTIFICATE = [
  "-----BEGIN CERTIFICATE-----",
  "MIIBgDCCASWgAwIBAgIUex0j3wenMTw4wcX6f4Tf3Ph3vmYwCgYIKoZIzj0EAwIw",
  "FDESMBAGA1UEAwwJc2JmbiB0ZXN0MCAXDTI2MTIwMjE0MDUxNloYDzIxMjYxMTA4",
  "MTQwNTE2WjAUMRIwEAYDVQQDDAlzYmZuIHRlc3QwWTATBgcqhkjOPQIBBggqhkjO",
  "PQMBBwNCAAQFF2kdg/NIIwzMFtnWKhQbkHe3mzBlsPg349HS6+0iEDwhCU36f2N9",
  "wSdK9QBus4D71YFZfxXvW8vHdrIDkJtZo1MwUTAdBgNVHQ4EFgQUL1HGkwHPEPbN",
  "LIIFVMrP4fqJNO8wHwYDVR0jBBgwFoAUL1HGkwHPEPbNLIIFVMrP4fqJNO8wDwYD",
  "VR0TAQH/BAUwAwEB/zAKBggqhkjOPQQDAgNJADBGAiEAvka9a3aqJUjKKyKk/qpP",
  "CK2Ixf7u4tml6LEF9IjycPgCIQC2sSDO1M7XtYWa2lNE08dppvJ8Cd2Gt3Gh5Ykl",
  "KXkDDA==",
  "-----END CERTIFICATE-----",
].join("\n");

Deno.test("node:crypto: createPublicKey takes a certificate's key", () => {
  const key = crypto.createPublicKey(CERTIFICATE);
  assertStrictEquals(key.asymmetricKeyType, "ec");
  assertStrictEquals(key.export({ type: "spki", format: "pem" }), "-----BEGIN PUBLIC KEY-----\nMFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAEBRdpHYPzSCMMzBbZ1ioUG5B3t5sw\nZbD4N+PR0uvtIhA8IQlN+n9jfcEnSvUAbrOA+9WBWX8V71vLx3ayA5CbWQ==\n-----END PUBLIC KEY-----\n");
});

Deno.test("node:crypto: KeyObject#toCryptoKey", async () => {
  const raw = crypto.randomBytes(16);
  const aes = crypto.createSecretKey(raw).toCryptoKey("AES-GCM", false, ["encrypt"]);
  assertStrictEquals(aes.type, "secret");
  assertEquals(aes.algorithm, { name: "AES-GCM", length: 128 });
  assertEquals(aes.usages, ["encrypt"]);
  const iv = crypto.randomBytes(12);
  const sealed = Buffer.from(await crypto.subtle.encrypt({ name: "AES-GCM", iv }, aes, Buffer.from("to node")));
  const decipher = crypto.createDecipheriv("aes-128-gcm", raw, iv).setAuthTag(sealed.subarray(-16));
  assertStrictEquals(decipher.update(sealed.subarray(0, -16), undefined, "utf8") + decipher.final("utf8"), "to node");

  const { publicKey, privateKey } = crypto.generateKeyPairSync("ec", { namedCurve: "P-256" });
  const signer = privateKey.toCryptoKey({ name: "ECDSA", namedCurve: "P-256" }, false, ["sign"]);
  assertStrictEquals(signer.type, "private");
  const signature = await crypto.subtle.sign({ name: "ECDSA", hash: "SHA-256" }, signer, Buffer.from("data"));
  assert(crypto.verify("sha256", Buffer.from("data"), { key: publicKey, dsaEncoding: "ieee-p1363" }, Buffer.from(signature)));
  const verifier = publicKey.toCryptoKey({ name: "ECDSA", namedCurve: "P-256" }, true, ["verify"]);
  assert(await crypto.subtle.verify({ name: "ECDSA", hash: "SHA-256" }, verifier, signature, Buffer.from("data")));
});
