// WebCrypto's "normalize an algorithm" (https://w3c.github.io/webcrypto/#algorithm-normalization-normalize-an-algorithm):
// an AlgorithmIdentifier becomes a plain dictionary with the registered name's spelling and
// each member converted by Web IDL, or a NotSupportedError / TypeError as in Deno.
import { DOMException } from "./domexception.js";

// Which parameter dictionary each algorithm takes, per operation (null: none).
const SUPPORTED = {
  digest: { "SHA-1": null, "SHA-256": null, "SHA-384": null, "SHA-512": null },
  generateKey: {
    "RSASSA-PKCS1-v1_5": "RsaHashedKeyGenParams",
    "RSA-PSS": "RsaHashedKeyGenParams",
    "RSA-OAEP": "RsaHashedKeyGenParams",
    ECDSA: "EcKeyGenParams",
    ECDH: "EcKeyGenParams",
    "AES-CTR": "AesKeyGenParams",
    "AES-CBC": "AesKeyGenParams",
    "AES-GCM": "AesKeyGenParams",
    "AES-KW": "AesKeyGenParams",
    HMAC: "HmacKeyGenParams",
    Ed25519: null,
    X25519: null,
  },
  sign: {
    "RSASSA-PKCS1-v1_5": null,
    "RSA-PSS": "RsaPssParams",
    ECDSA: "EcdsaParams",
    HMAC: null,
    Ed25519: null,
  },
  importKey: {
    "RSASSA-PKCS1-v1_5": "RsaHashedImportParams",
    "RSA-PSS": "RsaHashedImportParams",
    "RSA-OAEP": "RsaHashedImportParams",
    ECDSA: "EcKeyImportParams",
    ECDH: "EcKeyImportParams",
    HMAC: "HmacImportParams",
    HKDF: null,
    PBKDF2: null,
    "AES-CTR": null,
    "AES-CBC": null,
    "AES-GCM": null,
    "AES-KW": null,
    Ed25519: null,
    X25519: null,
  },
  deriveBits: {
    ECDH: "EcdhKeyDeriveParams",
    HKDF: "HkdfParams",
    PBKDF2: "Pbkdf2Params",
    X25519: "EcdhKeyDeriveParams",
  },
  encrypt: {
    "RSA-OAEP": "RsaOaepParams",
    "AES-CBC": "AesCbcParams",
    "AES-GCM": "AesGcmParams",
    "AES-CTR": "AesCtrParams",
  },
  "get key length": {
    "AES-CBC": "AesDerivedKeyParams",
    "AES-CTR": "AesDerivedKeyParams",
    "AES-GCM": "AesDerivedKeyParams",
    "AES-KW": "AesDerivedKeyParams",
    HMAC: "HmacImportParams",
    HKDF: null,
    PBKDF2: null,
  },
  wrapKey: { "AES-KW": null },
};
SUPPORTED.verify = SUPPORTED.sign;
SUPPORTED.exportKey = SUPPORTED.importKey;
SUPPORTED.decrypt = SUPPORTED.encrypt;
SUPPORTED.unwrapKey = SUPPORTED.wrapKey;

// Dictionary members: [name, type, required]. Inherited `name` is handled separately.
const DICTIONARIES = {
  RsaHashedKeyGenParams: [
    ["modulusLength", "unsigned long", true],
    ["publicExponent", "BigInteger", true],
    ["hash", "HashAlgorithmIdentifier", true],
  ],
  EcKeyGenParams: [["namedCurve", "DOMString", true]],
  AesKeyGenParams: [["length", "unsigned short", true]],
  HmacKeyGenParams: [["hash", "HashAlgorithmIdentifier", true], ["length", "unsigned long", false]],
  RsaPssParams: [["saltLength", "unsigned long", true]],
  EcdsaParams: [["hash", "HashAlgorithmIdentifier", true]],
  RsaHashedImportParams: [["hash", "HashAlgorithmIdentifier", true]],
  EcKeyImportParams: [["namedCurve", "DOMString", true]],
  HmacImportParams: [["hash", "HashAlgorithmIdentifier", true], ["length", "unsigned long", false]],
  EcdhKeyDeriveParams: [["public", "CryptoKey", true]],
  HkdfParams: [
    ["hash", "HashAlgorithmIdentifier", true],
    ["salt", "BufferSource", true],
    ["info", "BufferSource", true],
  ],
  Pbkdf2Params: [
    ["salt", "BufferSource", true],
    ["iterations", "unsigned long", true],
    ["hash", "HashAlgorithmIdentifier", true],
  ],
  RsaOaepParams: [["label", "BufferSource", false]],
  AesCbcParams: [["iv", "BufferSource", true]],
  AesGcmParams: [
    ["iv", "BufferSource", true],
    ["additionalData", "BufferSource", false],
    ["tagLength", "octet", false],
  ],
  AesCtrParams: [["counter", "BufferSource", true], ["length", "octet", true]],
  AesDerivedKeyParams: [["length", "unsigned short", true]],
};

const PREFIX = "Failed to execute 'call' on 'SubtleCrypto'";

// A copy of a BufferSource's bytes, or a TypeError naming `what`.
export function copyBufferSource(value, what) {
  if (ArrayBuffer.isView(value)) {
    return new Uint8Array(value.buffer.slice(value.byteOffset, value.byteOffset + value.byteLength));
  }
  if (value instanceof ArrayBuffer || Object.prototype.toString.call(value) === "[object ArrayBuffer]") {
    return new Uint8Array(value.slice(0));
  }
  throw new TypeError(`${PREFIX}: ${what} can not be converted to a BufferSource`);
}

// `value` itself when it is a BufferSource, or a TypeError naming `what`. For data an op
// reads synchronously, before any other JavaScript runs: no copy is needed to protect it
// from later changes (the spec's copy exists for implementations that work in parallel).
export function checkBufferSource(value, what) {
  if (ArrayBuffer.isView(value) || value instanceof ArrayBuffer ||
      Object.prototype.toString.call(value) === "[object ArrayBuffer]") {
    return value;
  }
  throw new TypeError(`${PREFIX}: ${what} can not be converted to a BufferSource`);
}

// Web IDL [EnforceRange] integer conversion.
function toInteger(value, bits, what) {
  const x = Number(value);
  const max = 2 ** bits - 1;
  if (!Number.isFinite(x)) {
    throw new TypeError(`${PREFIX}: ${what} is not a finite number`);
  }
  const n = Math.trunc(x);
  if (n < 0 || n > max) {
    throw new TypeError(`${PREFIX}: ${what} is outside the accepted range of 0 to ${max}, inclusive`);
  }
  return n;
}

function convertMember(value, type, what) {
  switch (type) {
    case "unsigned long":
      return toInteger(value, 32, what);
    case "unsigned short":
      return toInteger(value, 16, what);
    case "octet":
      return toInteger(value, 8, what);
    case "DOMString":
      return String(value);
    case "BufferSource":
      return copyBufferSource(value, what);
    case "BigInteger":
      if (!(value instanceof Uint8Array)) {
        throw new TypeError(`${PREFIX}: ${what} is not a Uint8Array`);
      }
      return new Uint8Array(value);
    case "HashAlgorithmIdentifier":
      return normalizeAlgorithm(value, "digest");
    case "CryptoKey":
      if (!isKey(value)) {
        throw new TypeError(`${PREFIX}: ${what} is not of type 'CryptoKey'`);
      }
      return value;
  }
  throw new TypeError(`unknown member type ${type}`);
}

let isKey = () => false;
// Set by subtle.js: this module does not depend on CryptoKey.
export function setKeyCheck(check) {
  isKey = check;
}

// Normalises `algorithm` for operation `op` (a key of SUPPORTED).
export function normalizeAlgorithm(algorithm, op) {
  if (typeof algorithm === "string") {
    return normalizeAlgorithm({ name: algorithm }, op);
  }
  if (algorithm === null || (typeof algorithm !== "object" && typeof algorithm !== "function")) {
    throw new TypeError(`${PREFIX}: Argument 0 can not be converted to a AlgorithmIdentifier`);
  }
  const rawName = algorithm.name;
  if (rawName === undefined) {
    throw new TypeError(`${PREFIX}: Argument 0 required member 'name' is undefined`);
  }
  const name = String(rawName);
  const registered = SUPPORTED[op];
  const upper = name.toUpperCase();
  const found = Object.keys(registered).find((k) => k.toUpperCase() === upper);
  if (found === undefined) {
    throw new DOMException(`Algorithm '${name}' is not supported`, "NotSupportedError");
  }
  const dictionary = registered[found];
  const out = { name: found };
  if (dictionary === null) {
    return out;
  }
  for (const [member, type, required] of DICTIONARIES[dictionary]) {
    const value = algorithm[member];
    if (value === undefined) {
      if (required) {
        throw new TypeError(`${PREFIX}: Argument 0 required member '${member}' is undefined`);
      }
      continue;
    }
    out[member] = convertMember(value, type, `'${member}' of ${dictionary}`);
  }
  return out;
}
