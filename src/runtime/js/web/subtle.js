// SubtleCrypto (https://w3c.github.io/webcrypto/#subtlecrypto-interface) over the native
// crypto ops (api/op_crypto*.cpp). Argument checks, key usages and the JWK format are
// here; the cryptography and the key material are in C++. Every method returns a promise
// (the native work is synchronous, as in Deno), and every failure is the spec's
// DOMException with Deno's message.
import { CryptoKey, isCryptoKey, keyHandle, newCryptoKey } from "./crypto_key.js";
import { DOMException } from "./domexception.js";
import { TextDecoder, TextEncoder } from "./encoding.js";
import { checkBufferSource, copyBufferSource, normalizeAlgorithm, setKeyCheck } from "./normalise_algorithm.js";
import { ops } from "./ops.js";
import { ILLEGAL, enumerable, illegalConstructor, setToStringTag } from "./util.js";

setKeyCheck(isCryptoKey);

const PREFIX = "Failed to execute 'call' on 'SubtleCrypto'";
const USAGES = ["encrypt", "decrypt", "sign", "verify", "deriveKey", "deriveBits", "wrapKey", "unwrapKey"];
const FORMATS = ["raw", "pkcs8", "spki", "jwk"];

// The usages each kind of key may have: [secret or private key usages, public key usages].
const KEY_USAGES = {
  "RSASSA-PKCS1-v1_5": [["sign"], ["verify"]],
  "RSA-PSS": [["sign"], ["verify"]],
  ECDSA: [["sign"], ["verify"]],
  Ed25519: [["sign"], ["verify"]],
  "RSA-OAEP": [["decrypt", "unwrapKey"], ["encrypt", "wrapKey"]],
  ECDH: [["deriveKey", "deriveBits"], []],
  X25519: [["deriveKey", "deriveBits"], []],
  "AES-CTR": [["encrypt", "decrypt", "wrapKey", "unwrapKey"]],
  "AES-CBC": [["encrypt", "decrypt", "wrapKey", "unwrapKey"]],
  "AES-GCM": [["encrypt", "decrypt", "wrapKey", "unwrapKey"]],
  "AES-KW": [["wrapKey", "unwrapKey"]],
  HMAC: [["sign", "verify"]],
  HKDF: [["deriveKey", "deriveBits"]],
  PBKDF2: [["deriveKey", "deriveBits"]],
};
const RSA = ["RSASSA-PKCS1-v1_5", "RSA-PSS", "RSA-OAEP"];
const AES = ["AES-CTR", "AES-CBC", "AES-GCM", "AES-KW"];
const EC = ["ECDSA", "ECDH"];
const OKP = ["Ed25519", "X25519"];
const CURVES = ["P-256", "P-384", "P-521"];

const fail = (name, message) => new DOMException(message, name);

// Runs a native op, turning its plain Error into the DOMException `name`.
function native(name, fn) {
  try {
    return fn();
  } catch (e) {
    if (e instanceof DOMException || e instanceof RangeError) throw e;
    throw fail(name, e?.message ?? String(e));
  }
}

function requireArgs(args, n) {
  if (args.length < n) {
    throw new TypeError(`${PREFIX}: ${n} arguments required, but only ${args.length} present.`);
  }
}

function toUsages(value, index) {
  if (value === null || typeof value !== "object" || typeof value[Symbol.iterator] !== "function") {
    throw new TypeError(`${PREFIX}: Argument ${index} can not be converted to sequence.`);
  }
  // An unknown usage string is not a TypeError here: as in Deno, it fails the usage check
  // that follows, with SyntaxError "Invalid key usage".
  const out = [];
  for (const usage of value) out.push(String(usage));
  return out;
}

function toFormat(value) {
  const s = String(value);
  if (!FORMATS.includes(s)) {
    throw new TypeError(
      `${PREFIX}: Argument 0 The provided value '${s}' is not a valid enum value of type KeyFormat`,
    );
  }
  return s;
}

function toKey(value, index) {
  if (!isCryptoKey(value)) {
    throw new TypeError(`${PREFIX}: Argument ${index} is not of type 'CryptoKey'`);
  }
  return value;
}

// Usages in the spec's order, without duplicates.
function dedupe(usages) {
  return USAGES.filter((u) => usages.includes(u));
}

function checkUsages(usages, allowed) {
  if (usages.some((u) => !allowed.includes(u))) {
    throw fail("SyntaxError", "Invalid key usage");
  }
}

function checkKey(key, name, usage) {
  if (key.algorithm.name !== name) {
    throw fail("InvalidAccessError", `${opLabel(usage)} algorithm '${name}' does not match key algorithm`);
  }
  if (!key.usages.includes(usage)) {
    throw fail("InvalidAccessError", "The requested operation is not valid for the provided key");
  }
}

function opLabel(usage) {
  return {
    sign: "Signing",
    verify: "Verifying",
    encrypt: "Encryption",
    decrypt: "Decryption",
    deriveBits: "Derivation",
    deriveKey: "Derivation",
    wrapKey: "Wrapping",
    unwrapKey: "Unwrapping",
  }[usage];
}

const hashOf = (algorithm) => ({ name: algorithm.hash.name });
const buffer = (bytes) => (bytes instanceof ArrayBuffer ? bytes : bytes.buffer);

// --- base64url (JWK) ---------------------------------------------------------------

const B64 = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

function toBase64Url(bytes) {
  const u8 = new Uint8Array(bytes);
  let out = "";
  for (let i = 0; i < u8.length; i += 3) {
    const n = (u8[i] << 16) | ((u8[i + 1] ?? 0) << 8) | (u8[i + 2] ?? 0);
    out += B64[(n >> 18) & 63] + B64[(n >> 12) & 63];
    if (i + 1 < u8.length) out += B64[(n >> 6) & 63];
    if (i + 2 < u8.length) out += B64[n & 63];
  }
  return out;
}

function fromBase64Url(text, member) {
  if (typeof text !== "string" || !/^[A-Za-z0-9_-]*={0,2}$/.test(text)) {
    throw fail("DataError", `'${member}' property of JsonWebKey is not valid base64url`);
  }
  const s = text.replace(/=+$/, "");
  if (s.length % 4 === 1) {
    throw fail("DataError", `'${member}' property of JsonWebKey is not valid base64url`);
  }
  const out = new Uint8Array(Math.floor((s.length * 6) / 8));
  let bits = 0;
  let value = 0;
  let j = 0;
  for (let i = 0; i < s.length; i++) {
    value = (value << 6) | B64.indexOf(s[i]);
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out[j++] = (value >> bits) & 0xff;
    }
  }
  return out;
}

// --- JWK checks (https://w3c.github.io/webcrypto/#concept-parse-a-jwk) ---------------

const JWK_STRINGS = ["kty", "use", "alg", "crv", "x", "y", "d", "n", "e", "p", "q", "dp", "dq", "qi", "k"];

function toJwk(value) {
  if (value === null || typeof value !== "object" || ArrayBuffer.isView(value) || value instanceof ArrayBuffer) {
    throw new TypeError(`${PREFIX}: Argument 1 can not be converted to a JsonWebKey`);
  }
  const jwk = {};
  for (const member of JWK_STRINGS) {
    if (value[member] !== undefined) jwk[member] = String(value[member]);
  }
  if (value.ext !== undefined) jwk.ext = Boolean(value.ext);
  if (value.key_ops !== undefined) jwk.key_ops = [...value.key_ops].map(String);
  if (jwk.kty === undefined) {
    throw new TypeError(`${PREFIX}: Argument 1 required member 'kty' is undefined`);
  }
  return jwk;
}

function checkJwk(jwk, kty, extractable, usages, use) {
  if (jwk.kty !== kty) {
    throw fail("DataError", `'kty' property of JsonWebKey must be '${kty}'`);
  }
  if (usages.length > 0 && jwk.use !== undefined && jwk.use !== use) {
    throw fail("DataError", `'use' property of JsonWebKey must be '${use}'`);
  }
  if (jwk.key_ops !== undefined && !usages.every((u) => jwk.key_ops.includes(u))) {
    throw fail("DataError", "'key_ops' property of JsonWebKey is invalid");
  }
  if (jwk.ext === false && extractable) {
    throw fail("DataError", "'ext' property of JsonWebKey must not be false if extractable is true");
  }
}

function checkJwkAlg(jwk, expected) {
  if (jwk.alg !== undefined && jwk.alg !== expected) {
    throw fail("DataError", `Invalid algorithm: ${jwk.alg}`);
  }
}

const HMAC_JWK = { "SHA-1": "HS1", "SHA-256": "HS256", "SHA-384": "HS384", "SHA-512": "HS512" };
const RSA_JWK = {
  "RSASSA-PKCS1-v1_5": { "SHA-1": "RS1", "SHA-256": "RS256", "SHA-384": "RS384", "SHA-512": "RS512" },
  "RSA-PSS": { "SHA-1": "PS1", "SHA-256": "PS256", "SHA-384": "PS384", "SHA-512": "PS512" },
  "RSA-OAEP": {
    "SHA-1": "RSA-OAEP",
    "SHA-256": "RSA-OAEP-256",
    "SHA-384": "RSA-OAEP-384",
    "SHA-512": "RSA-OAEP-512",
  },
};
const ECDSA_JWK = { "P-256": "ES256", "P-384": "ES384", "P-521": "ES512" };

// --- generateKey ---------------------------------------------------------------------

function hmacDefaultLength(hash) {
  return hash === "SHA-384" || hash === "SHA-512" ? 1024 : 512;
}

function generateKey(algorithm, extractable, usages) {
  const name = algorithm.name;
  const [secretUsages, publicUsages] = KEY_USAGES[name];
  checkUsages(usages, publicUsages ? [...secretUsages, ...publicUsages] : secretUsages);
  let secret;
  let keyAlgorithm;
  if (AES.includes(name)) {
    if (![128, 192, 256].includes(algorithm.length)) {
      throw fail("OperationError", "Invalid AES key length");
    }
    keyAlgorithm = { name, length: algorithm.length };
    secret = native("OperationError", () => ops.crypto_secret_generate(algorithm.length / 8));
  } else if (name === "HMAC") {
    const length = algorithm.length ?? hmacDefaultLength(algorithm.hash.name);
    if (length === 0 || length % 8 !== 0) {
      throw fail("OperationError", "Invalid length");
    }
    keyAlgorithm = { name, length, hash: hashOf(algorithm) };
    secret = native("OperationError", () => ops.crypto_secret_generate(length / 8));
  }
  if (secret !== undefined) {
    if (usages.length === 0) throw fail("SyntaxError", "Usages cannot be empty");
    return newCryptoKey("secret", extractable, keyAlgorithm, dedupe(usages), secret);
  }
  let pair;
  if (RSA.includes(name)) {
    // Generation is synchronous C++ no limit can interrupt: stay within what OpenSSL itself
    // calls the largest RSA modulus.
    if (algorithm.modulusLength > 16384) {
      throw fail("OperationError", "modulusLength must be at most 16384 bits");
    }
    keyAlgorithm = {
      name,
      modulusLength: algorithm.modulusLength,
      hash: hashOf(algorithm),
      publicExponent: new Uint8Array(algorithm.publicExponent),
    };
    pair = native("OperationError", () =>
      ops.crypto_pkey_generate("RSA", algorithm.modulusLength, algorithm.publicExponent)
    );
  } else if (EC.includes(name)) {
    if (!CURVES.includes(algorithm.namedCurve)) {
      throw fail("NotSupportedError", `Unsupported named curve: ${algorithm.namedCurve}`);
    }
    keyAlgorithm = { name, namedCurve: algorithm.namedCurve };
    pair = native("OperationError", () => ops.crypto_pkey_generate("EC", algorithm.namedCurve));
  } else {
    keyAlgorithm = { name };
    pair = native("OperationError", () => ops.crypto_pkey_generate(name));
  }
  const privateUsages = usages.filter((u) => secretUsages.includes(u));
  if (privateUsages.length === 0) throw fail("SyntaxError", "Usages cannot be empty");
  return {
    privateKey: newCryptoKey("private", extractable, keyAlgorithm, dedupe(privateUsages), pair[0]),
    publicKey: newCryptoKey(
      "public",
      true,
      structuredCloneAlgorithm(keyAlgorithm),
      dedupe(usages.filter((u) => publicUsages.includes(u))),
      pair[1],
    ),
  };
}

function structuredCloneAlgorithm(algorithm) {
  const out = { ...algorithm };
  if (out.hash) out.hash = { ...out.hash };
  if (out.publicExponent) out.publicExponent = new Uint8Array(out.publicExponent);
  return out;
}

// --- importKey -----------------------------------------------------------------------

function importSecret(format, keyData, algorithm, extractable, usages) {
  const name = algorithm.name;
  checkUsages(usages, KEY_USAGES[name][0]);
  let bytes;
  if (format === "raw") {
    bytes = keyData;
  } else if (format === "jwk" && (AES.includes(name) || name === "HMAC")) {
    checkJwk(keyData, "oct", extractable, usages, name === "HMAC" ? "sig" : "enc");
    if (keyData.k === undefined) {
      throw fail("DataError", "'k' property of JsonWebKey must be present");
    }
    bytes = fromBase64Url(keyData.k, "k");
  } else {
    throw fail("NotSupportedError", "Unsupported format");
  }
  let keyAlgorithm;
  if (AES.includes(name)) {
    if (![16, 24, 32].includes(bytes.byteLength)) {
      throw fail("DataError", "Invalid key length");
    }
    if (format === "jwk") {
      checkJwkAlg(keyData, `A${bytes.byteLength * 8}${name.slice(4)}`);
    }
    keyAlgorithm = { name, length: bytes.byteLength * 8 };
  } else if (name === "HMAC") {
    if (format === "jwk") checkJwkAlg(keyData, HMAC_JWK[algorithm.hash.name]);
    const bits = bytes.byteLength * 8;
    if (bits === 0) throw fail("DataError", "Key length is zero");
    let length = bits;
    if (algorithm.length !== undefined) {
      if (algorithm.length > bits || algorithm.length <= bits - 8) {
        throw fail("DataError", "Key length is invalid");
      }
      length = algorithm.length;
    }
    keyAlgorithm = { name, length, hash: hashOf(algorithm) };
  } else {
    // PBKDF2 and HKDF: raw key material only, never extractable.
    keyAlgorithm = { name };
    extractable = false;
  }
  if (usages.length === 0) throw fail("SyntaxError", "Invalid key usage");
  const handle = native("DataError", () => ops.crypto_secret_import(bytes));
  return newCryptoKey("secret", extractable, keyAlgorithm, dedupe(usages), handle);
}

// The JWK members of an asymmetric key, decoded; and whether it is private.
function jwkFields(jwk, members) {
  const fields = {};
  for (const member of members) {
    if (jwk[member] !== undefined) fields[member] = fromBase64Url(jwk[member], member).buffer;
  }
  return fields;
}

function importAsymmetric(format, keyData, algorithm, extractable, usages) {
  const name = algorithm.name;
  const [privateUsages, publicUsages] = KEY_USAGES[name];
  let handle;
  if (format === "jwk") {
    const jwk = keyData;
    const isPrivate = jwk.d !== undefined;
    checkUsages(usages, isPrivate ? privateUsages : publicUsages);
    if (RSA.includes(name)) {
      checkJwk(jwk, "RSA", extractable, usages, name === "RSA-OAEP" ? "enc" : "sig");
      checkJwkAlg(jwk, RSA_JWK[name][algorithm.hash.name]);
      handle = native("DataError", () =>
        ops.crypto_pkey_import_jwk("RSA", jwkFields(jwk, ["n", "e", "d", "p", "q", "dp", "dq", "qi"]))
      );
    } else if (EC.includes(name)) {
      checkJwk(jwk, "EC", extractable, usages, name === "ECDH" ? "enc" : "sig");
      if (jwk.crv !== algorithm.namedCurve) {
        throw fail("DataError", "'crv' property of JsonWebKey must match the named curve");
      }
      if (name === "ECDSA") checkJwkAlg(jwk, ECDSA_JWK[algorithm.namedCurve]);
      handle = native("DataError", () =>
        ops.crypto_pkey_import_jwk("EC", jwkFields(jwk, ["x", "y", "d"]), algorithm.namedCurve)
      );
    } else {
      checkJwk(jwk, "OKP", extractable, usages, name === "X25519" ? "enc" : "sig");
      if (jwk.crv !== name) {
        throw fail("DataError", `'crv' property of JsonWebKey must be '${name}'`);
      }
      if (name === "Ed25519" && jwk.alg !== undefined && jwk.alg !== "EdDSA" && jwk.alg !== "Ed25519") {
        throw fail("DataError", `Invalid algorithm: ${jwk.alg}`);
      }
      if (jwk.x === undefined) {
        throw fail("DataError", "'x' property of JsonWebKey must be present");
      }
      handle = native("DataError", () => ops.crypto_pkey_import_jwk("OKP", jwkFields(jwk, ["x", "d"]), name));
    }
  } else if (format === "raw") {
    if (RSA.includes(name)) throw fail("NotSupportedError", "Unsupported format");
    checkUsages(usages, publicUsages);
    handle = EC.includes(name)
      ? native("DataError", () => ops.crypto_pkey_import("raw-ec", keyData, algorithm.namedCurve))
      : native("DataError", () => ops.crypto_pkey_import("raw-okp", keyData, name));
  } else {
    checkUsages(usages, format === "spki" ? publicUsages : privateUsages);
    handle = native("DataError", () => ops.crypto_pkey_import(format, keyData));
  }
  const info = ops.crypto_pkey_info(handle);
  const expected = RSA.includes(name) ? "RSA" : EC.includes(name) ? "EC" : name;
  if (info.type !== expected) {
    throw fail("DataError", "Invalid key type");
  }
  let keyAlgorithm = { name };
  if (RSA.includes(name)) {
    keyAlgorithm = {
      name,
      modulusLength: info.modulusLength,
      hash: hashOf(algorithm),
      publicExponent: info.publicExponent,
    };
  } else if (EC.includes(name)) {
    if (!CURVES.includes(algorithm.namedCurve)) {
      throw fail("NotSupportedError", `Unsupported named curve: ${algorithm.namedCurve}`);
    }
    if (info.namedCurve !== algorithm.namedCurve) {
      throw fail("DataError", "Invalid namedCurve");
    }
    keyAlgorithm = { name, namedCurve: algorithm.namedCurve };
  }
  const type = info.private ? "private" : "public";
  if (type === "private" && usages.length === 0) {
    throw fail("SyntaxError", "Invalid key usage");
  }
  return newCryptoKey(type, extractable, keyAlgorithm, dedupe(usages), handle);
}

function importKey(format, keyData, algorithm, extractable, usages) {
  if (format === "jwk") {
    keyData = toJwk(keyData);
  } else {
    keyData = copyBufferSource(keyData, "Argument 1");
  }
  const name = algorithm.name;
  if (AES.includes(name) || name === "HMAC" || name === "PBKDF2" || name === "HKDF") {
    return importSecret(format, keyData, algorithm, extractable, usages);
  }
  return importAsymmetric(format, keyData, algorithm, extractable, usages);
}

// --- exportKey -----------------------------------------------------------------------

function exportKey(format, key) {
  const handle = keyHandle(key);
  const algorithm = key.algorithm;
  const name = algorithm.name;
  if (!key.extractable) {
    throw fail("InvalidAccessError", "Key is not extractable");
  }
  if (key.type === "secret") {
    if (name === "PBKDF2" || name === "HKDF") throw fail("NotSupportedError", "Not implemented");
    if (format === "raw") return ops.crypto_secret_export(handle);
    if (format !== "jwk") throw fail("NotSupportedError", "Not implemented");
    const jwk = { kty: "oct", k: toBase64Url(ops.crypto_secret_export(handle)) };
    jwk.alg = name === "HMAC" ? HMAC_JWK[algorithm.hash.name] : `A${algorithm.length}${name.slice(4)}`;
    jwk.key_ops = [...key.usages];
    jwk.ext = true;
    return jwk;
  }
  if (format === "raw") {
    if (RSA.includes(name)) throw fail("NotSupportedError", "Not implemented");
    if (key.type !== "public") throw fail("InvalidAccessError", "Key is not a public key");
    return native("OperationError", () => ops.crypto_pkey_export(handle, "raw"));
  }
  if (format === "spki") {
    if (key.type !== "public") throw fail("InvalidAccessError", "Key is not a public key");
    return native("OperationError", () => ops.crypto_pkey_export(handle, "spki"));
  }
  if (format === "pkcs8") {
    if (key.type !== "private") throw fail("InvalidAccessError", "Key is not a private key");
    return native("OperationError", () => ops.crypto_pkey_export(handle, "pkcs8"));
  }
  const fields = native("OperationError", () => ops.crypto_pkey_export_jwk(handle));
  const jwk = {};
  if (RSA.includes(name)) {
    jwk.kty = "RSA";
    jwk.alg = RSA_JWK[name][algorithm.hash.name];
    for (const m of ["n", "e", "d", "p", "q", "dp", "dq", "qi"]) {
      if (fields[m]) jwk[m] = toBase64Url(fields[m]);
    }
  } else if (EC.includes(name)) {
    jwk.kty = "EC";
    jwk.alg = name === "ECDSA" ? ECDSA_JWK[algorithm.namedCurve] : "ECDH";
    jwk.crv = algorithm.namedCurve;
    for (const m of ["x", "y", "d"]) {
      if (fields[m]) jwk[m] = toBase64Url(fields[m]);
    }
  } else {
    jwk.kty = "OKP";
    jwk.crv = name;
    if (fields.d) jwk.d = toBase64Url(fields.d);
    jwk.x = toBase64Url(fields.x);
  }
  jwk.key_ops = [...key.usages];
  jwk.ext = true;
  return jwk;
}

// --- sign / verify -------------------------------------------------------------------

function signOrVerify(usage, algorithm, key, data, signature) {
  const name = algorithm.name;
  checkKey(key, name, usage);
  const handle = keyHandle(key);
  if (name === "HMAC") {
    const hash = key.algorithm.hash.name;
    return usage === "sign"
      ? native("OperationError", () => ops.crypto_hmac_sign(hash, handle, data))
      : native("OperationError", () => ops.crypto_hmac_verify(hash, handle, data, signature));
  }
  if (key.type !== (usage === "sign" ? "private" : "public")) {
    throw fail("InvalidAccessError", "The requested operation is not valid for the provided key");
  }
  const hash = name === "ECDSA" ? algorithm.hash.name : key.algorithm.hash?.name;
  const salt = name === "RSA-PSS" ? algorithm.saltLength : 0;
  return usage === "sign"
    ? native("OperationError", () => ops.crypto_sign(name, handle, hash, data, salt))
    : native("OperationError", () => ops.crypto_verify(name, handle, hash, data, signature, salt));
}

// --- encrypt / decrypt ---------------------------------------------------------------

const GCM_TAGS = [32, 64, 96, 104, 112, 120, 128];

function cipher(usage, algorithm, key, data) {
  const name = algorithm.name;
  checkKey(key, name, usage);
  const handle = keyHandle(key);
  const encrypt = usage === "encrypt" || usage === "wrapKey";
  if (name === "RSA-OAEP") {
    if (key.type !== (encrypt ? "public" : "private")) {
      throw fail("InvalidAccessError", "The requested operation is not valid for the provided key");
    }
    const label = algorithm.label ?? new Uint8Array(0);
    return native("OperationError", () =>
      ops.crypto_rsa_oaep(encrypt, handle, key.algorithm.hash.name, label, data)
    );
  }
  const label = encrypt ? "Encryption" : "Decryption";
  if (name === "AES-CBC") {
    if (algorithm.iv.byteLength !== 16) {
      throw fail("OperationError", "Initialization vector must be 16 bytes");
    }
    return native("OperationError", () => ops.crypto_aes(name, encrypt, handle, algorithm.iv, data));
  }
  if (name === "AES-CTR") {
    if (algorithm.counter.byteLength !== 16) {
      throw fail("OperationError", "Counter vector must be 16 bytes");
    }
    if (algorithm.length === 0 || algorithm.length > 128) {
      throw fail("OperationError", "Counter length must not be 0 or greater than 128");
    }
    return native("OperationError", () =>
      ops.crypto_aes(name, encrypt, handle, algorithm.counter, data, undefined, 0, algorithm.length)
    );
  }
  if (name === "AES-GCM") {
    const tagLength = algorithm.tagLength ?? 128;
    if (!GCM_TAGS.includes(tagLength)) {
      throw fail("OperationError", "Invalid tag length");
    }
    if (algorithm.iv.byteLength === 0) {
      throw fail("OperationError", "Initialization vector length not supported");
    }
    if (!encrypt && data.byteLength < tagLength / 8) {
      throw fail("OperationError", "The provided data is too small.");
    }
    return native("OperationError", () =>
      ops.crypto_aes(name, encrypt, handle, algorithm.iv, data, algorithm.additionalData, tagLength)
    );
  }
  throw fail("OperationError", `${label} failed`);
}

// --- deriveBits / deriveKey ----------------------------------------------------------

function deriveBits(algorithm, key, length, usage = "deriveBits") {
  const name = algorithm.name;
  checkKey(key, name, usage);
  const handle = keyHandle(key);
  if (name === "ECDH" || name === "X25519") {
    const peer = algorithm.public;
    if (key.type !== "private") {
      throw fail("InvalidAccessError", "The requested operation is not valid for the provided key");
    }
    if (peer.type !== "public") {
      throw fail("InvalidAccessError", "The public key is not a public key");
    }
    if (peer.algorithm.name !== name) {
      throw fail("InvalidAccessError", "Algorithm mismatch");
    }
    if (name === "ECDH" && peer.algorithm.namedCurve !== key.algorithm.namedCurve) {
      throw fail("InvalidAccessError", "'namedCurve' mismatch");
    }
    const secret = new Uint8Array(
      native("OperationError", () => ops.crypto_derive_shared(handle, keyHandle(peer))),
    );
    if (name === "X25519" && secret.every((b) => b === 0)) {
      throw fail("OperationError", "Invalid key");
    }
    if (length === null || length === undefined) return secret.buffer;
    if (length > secret.length * 8) throw fail("OperationError", "Invalid length");
    const out = secret.slice(0, Math.ceil(length / 8));
    if (length % 8 !== 0) out[out.length - 1] &= 0xff << (8 - (length % 8));
    return out.buffer;
  }
  if (length === null || length === undefined || length % 8 !== 0) {
    throw fail("OperationError", "Invalid length");
  }
  if (name === "PBKDF2") {
    if (algorithm.iterations === 0) throw fail("OperationError", "iterations must not be zero");
    if (length === 0) throw fail("OperationError", "Invalid length");
    return native("OperationError", () =>
      ops.crypto_pbkdf2(handle, algorithm.hash.name, algorithm.salt, algorithm.iterations, length)
    );
  }
  // HKDF: at most 255 blocks of the hash.
  const hashBits = { "SHA-1": 160, "SHA-256": 256, "SHA-384": 384, "SHA-512": 512 }[algorithm.hash.name];
  if (length > 255 * hashBits) throw fail("OperationError", "The length provided for HKDF is too large");
  if (length === 0) return new ArrayBuffer(0);
  return native("OperationError", () =>
    ops.crypto_hkdf(handle, algorithm.hash.name, algorithm.salt, algorithm.info, length)
  );
}

function keyLength(algorithm) {
  const name = algorithm.name;
  if (AES.includes(name)) {
    if (![128, 192, 256].includes(algorithm.length)) {
      throw fail("OperationError", "length must be 128, 192, or 256");
    }
    return algorithm.length;
  }
  if (name === "HMAC") {
    if (algorithm.length === 0) throw fail("TypeError", "length must not be zero");
    return algorithm.length ?? hmacDefaultLength(algorithm.hash.name);
  }
  return null;
}

// --- wrapKey / unwrapKey -------------------------------------------------------------

function wrapWith(usage, algorithm, key, data) {
  if (algorithm.name === "AES-KW") {
    checkKey(key, "AES-KW", usage);
    return native("OperationError", () =>
      ops.crypto_aes("AES-KW", usage === "wrapKey", keyHandle(key), undefined, data)
    );
  }
  return cipher(usage, algorithm, key, data);
}

// Normalises a wrapping algorithm: AES-KW, or any encryption algorithm.
function normalizeWrap(algorithm, op) {
  try {
    return normalizeAlgorithm(algorithm, op);
  } catch (e) {
    if (!(e instanceof DOMException) || e.name !== "NotSupportedError") throw e;
    return normalizeAlgorithm(algorithm, op === "wrapKey" ? "encrypt" : "decrypt");
  }
}

// ---------------------------------------------------------------------------------------

export class SubtleCrypto {
  constructor(key) {
    if (key !== ILLEGAL) throw illegalConstructor();
  }

  async digest(algorithm, data) {
    requireArgs(arguments, 2);
    algorithm = normalizeAlgorithm(algorithm, "digest");
    data = checkBufferSource(data, "Argument 1");
    return native("OperationError", () => ops.crypto_digest(algorithm.name, data));
  }

  async generateKey(algorithm, extractable, keyUsages) {
    requireArgs(arguments, 3);
    algorithm = normalizeAlgorithm(algorithm, "generateKey");
    const usages = toUsages(keyUsages, 2);
    return generateKey(algorithm, Boolean(extractable), usages);
  }

  async importKey(format, keyData, algorithm, extractable, keyUsages) {
    requireArgs(arguments, 5);
    format = toFormat(format);
    algorithm = normalizeAlgorithm(algorithm, "importKey");
    const usages = toUsages(keyUsages, 4);
    return importKey(format, keyData, algorithm, Boolean(extractable), usages);
  }

  async exportKey(format, key) {
    requireArgs(arguments, 2);
    format = toFormat(format);
    return exportKey(format, toKey(key, 1));
  }

  async sign(algorithm, key, data) {
    requireArgs(arguments, 3);
    algorithm = normalizeAlgorithm(algorithm, "sign");
    key = toKey(key, 1);
    data = checkBufferSource(data, "Argument 2");
    return signOrVerify("sign", algorithm, key, data);
  }

  async verify(algorithm, key, signature, data) {
    requireArgs(arguments, 4);
    algorithm = normalizeAlgorithm(algorithm, "verify");
    key = toKey(key, 1);
    signature = checkBufferSource(signature, "Argument 2");
    data = checkBufferSource(data, "Argument 3");
    return signOrVerify("verify", algorithm, key, data, signature);
  }

  async encrypt(algorithm, key, data) {
    requireArgs(arguments, 3);
    algorithm = normalizeAlgorithm(algorithm, "encrypt");
    key = toKey(key, 1);
    data = checkBufferSource(data, "Argument 2");
    return cipher("encrypt", algorithm, key, data);
  }

  async decrypt(algorithm, key, data) {
    requireArgs(arguments, 3);
    algorithm = normalizeAlgorithm(algorithm, "decrypt");
    key = toKey(key, 1);
    data = checkBufferSource(data, "Argument 2");
    return cipher("decrypt", algorithm, key, data);
  }

  async deriveBits(algorithm, baseKey, length = null) {
    requireArgs(arguments, 2);
    algorithm = normalizeAlgorithm(algorithm, "deriveBits");
    baseKey = toKey(baseKey, 1);
    if (length !== null && length !== undefined) {
      length = Number(length);
      if (!Number.isFinite(length) || length < 0 || length > 2 ** 32 - 1) {
        throw new TypeError(`${PREFIX}: Argument 2 is outside the accepted range of 0 to 4294967295, inclusive`);
      }
      length = Math.trunc(length);
    }
    return deriveBits(algorithm, baseKey, length);
  }

  async deriveKey(algorithm, baseKey, derivedKeyType, extractable, keyUsages) {
    requireArgs(arguments, 5);
    algorithm = normalizeAlgorithm(algorithm, "deriveBits");
    baseKey = toKey(baseKey, 1);
    const importAlgorithm = normalizeAlgorithm(derivedKeyType, "importKey");
    const lengthAlgorithm = normalizeAlgorithm(derivedKeyType, "get key length");
    const usages = toUsages(keyUsages, 4);
    const length = keyLength(lengthAlgorithm);
    const bits = deriveBits(algorithm, baseKey, length, "deriveKey");
    return importKey("raw", bits, importAlgorithm, Boolean(extractable), usages);
  }

  async wrapKey(format, key, wrappingKey, wrapAlgorithm) {
    requireArgs(arguments, 4);
    format = toFormat(format);
    key = toKey(key, 1);
    wrappingKey = toKey(wrappingKey, 2);
    wrapAlgorithm = normalizeWrap(wrapAlgorithm, "wrapKey");
    if (!wrappingKey.usages.includes("wrapKey")) {
      throw fail("InvalidAccessError", "The requested operation is not valid for the provided key");
    }
    let bytes = exportKey(format, key);
    if (format === "jwk") {
      bytes = new TextEncoder().encode(JSON.stringify(bytes));
    }
    return wrapWith("wrapKey", wrapAlgorithm, wrappingKey, new Uint8Array(buffer(bytes)));
  }

  async unwrapKey(format, wrappedKey, unwrappingKey, unwrapAlgorithm, unwrappedKeyAlgorithm, extractable, keyUsages) {
    requireArgs(arguments, 7);
    format = toFormat(format);
    wrappedKey = copyBufferSource(wrappedKey, "Argument 1");
    unwrappingKey = toKey(unwrappingKey, 2);
    unwrapAlgorithm = normalizeWrap(unwrapAlgorithm, "unwrapKey");
    unwrappedKeyAlgorithm = normalizeAlgorithm(unwrappedKeyAlgorithm, "importKey");
    const usages = toUsages(keyUsages, 6);
    if (!unwrappingKey.usages.includes("unwrapKey")) {
      throw fail("InvalidAccessError", "The requested operation is not valid for the provided key");
    }
    let bytes = wrapWith("unwrapKey", unwrapAlgorithm, unwrappingKey, wrappedKey);
    let keyData = bytes;
    if (format === "jwk") {
      try {
        keyData = JSON.parse(new TextDecoder().decode(bytes));
      } catch {
        throw fail("DataError", "The unwrapped key is not a JSON Web Key");
      }
    }
    return importKey(format, keyData, unwrappedKeyAlgorithm, Boolean(extractable), usages);
  }
}
setToStringTag(SubtleCrypto, "SubtleCrypto");
enumerable(SubtleCrypto, [
  "digest", "generateKey", "importKey", "exportKey", "sign", "verify", "encrypt", "decrypt",
  "deriveBits", "deriveKey", "wrapKey", "unwrapKey",
]);

export const subtle = new SubtleCrypto(ILLEGAL);

// importKey without the promise, for node:crypto's KeyObject#toCryptoKey (synchronous in
// Node): the same checks, the same CryptoKey, or the same DOMException thrown.
export function importKeySync(format, keyData, algorithm, extractable, keyUsages) {
  format = toFormat(format);
  algorithm = normalizeAlgorithm(algorithm, "importKey");
  const usages = toUsages(keyUsages, 4);
  return importKey(format, keyData, algorithm, Boolean(extractable), usages);
}
export { CryptoKey };
