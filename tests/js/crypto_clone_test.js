// A CryptoKey is serializable (WebCrypto §14, as in Deno): structuredClone, MessagePort and
// BroadcastChannel give a new CryptoKey with the same type, extractable, algorithm and
// usages, over the same key material.
import { assert, assertEquals, assertThrows } from "./assert.js";

const data = new TextEncoder().encode("signed by a clone");

function assertSameKey(copy, key) {
  assert(copy instanceof CryptoKey);
  assert(copy !== key);
  assertEquals(copy.type, key.type);
  assertEquals(copy.extractable, key.extractable);
  assertEquals(copy.algorithm, key.algorithm);
  assert(copy.algorithm !== key.algorithm, "the algorithm is a copy");
  assertEquals(copy.usages, key.usages);
  assert(copy.usages !== key.usages, "the usages are a copy");
  assertEquals(Object.prototype.toString.call(copy), "[object CryptoKey]");
}

Deno.test("structuredClone(CryptoKey): an HMAC key signs what the original verifies", async () => {
  const key = await crypto.subtle.generateKey({ name: "HMAC", hash: "SHA-256" }, false, ["sign", "verify"]);
  const copy = structuredClone(key);
  assertSameKey(copy, key);
  const signature = await crypto.subtle.sign("HMAC", copy, data);
  assert(await crypto.subtle.verify("HMAC", key, signature, data));
  assertEquals(signature, await crypto.subtle.sign("HMAC", key, data));
});

Deno.test("structuredClone(CryptoKey): keys inside objects, the same key twice stays one", async () => {
  const key = await crypto.subtle.generateKey({ name: "AES-GCM", length: 128 }, true, ["encrypt", "decrypt"]);
  const copy = structuredClone({ keys: [key, key], note: "x" });
  assertEquals(copy.note, "x");
  assertSameKey(copy.keys[0], key);
  assert(copy.keys[0] === copy.keys[1]);
  // Extractable keys export the same bytes.
  assertEquals(await crypto.subtle.exportKey("raw", copy.keys[0]), await crypto.subtle.exportKey("raw", key));
});

Deno.test("structuredClone(CryptoKey): RSA-PSS public key, algorithm copied deeply", async () => {
  const pair = await crypto.subtle.generateKey(
    { name: "RSA-PSS", modulusLength: 1024, publicExponent: new Uint8Array([1, 0, 1]), hash: "SHA-256" },
    true, ["sign", "verify"]);
  const copy = structuredClone(pair.publicKey);
  assertSameKey(copy, pair.publicKey);
  assert(copy.algorithm.publicExponent !== pair.publicKey.algorithm.publicExponent);
  const signature = await crypto.subtle.sign({ name: "RSA-PSS", saltLength: 32 }, pair.privateKey, data);
  assert(await crypto.subtle.verify({ name: "RSA-PSS", saltLength: 32 }, copy, signature, data));
});

Deno.test("CryptoKey through a MessageChannel: an ECDSA pair signs and verifies", async () => {
  const pair = await crypto.subtle.generateKey({ name: "ECDSA", namedCurve: "P-256" }, false, ["sign", "verify"]);
  const { port1, port2 } = new MessageChannel();
  const received = new Promise((resolve) => port2.onmessage = (event) => resolve(event.data));
  port1.postMessage({ pair });
  const { pair: copy } = await received;
  port1.close();
  port2.close();
  assertSameKey(copy.privateKey, pair.privateKey);
  assertSameKey(copy.publicKey, pair.publicKey);
  const algorithm = { name: "ECDSA", hash: "SHA-256" };
  const signature = await crypto.subtle.sign(algorithm, copy.privateKey, data);
  assert(await crypto.subtle.verify(algorithm, pair.publicKey, signature, data));
  assert(await crypto.subtle.verify(algorithm, copy.publicKey, signature, data));
});

Deno.test("CryptoKey through a BroadcastChannel", async () => {
  const key = await crypto.subtle.importKey("raw", new Uint8Array(32).fill(7), { name: "HMAC", hash: "SHA-384" }, false, ["sign"]);
  const sender = new BroadcastChannel("crypto-clone-test");
  const receiver = new BroadcastChannel("crypto-clone-test");
  const received = new Promise((resolve) => receiver.onmessage = (event) => resolve(event.data));
  sender.postMessage(key);
  const copy = await received;
  sender.close();
  receiver.close();
  assertSameKey(copy, key);
  assertEquals(await crypto.subtle.sign("HMAC", copy, data), await crypto.subtle.sign("HMAC", key, data));
});

Deno.test("CryptoKey: still not constructible, and a look-alike clones as a plain object", () => {
  assertThrows(() => new CryptoKey(), TypeError, "Illegal constructor");
  const fake = Object.create(CryptoKey.prototype);
  const copy = structuredClone(fake);
  assert(!(copy instanceof CryptoKey));
  assertThrows(() => CryptoKey.prototype.type, TypeError);
});
