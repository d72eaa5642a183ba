// node:crypto: synchronous hashes and HMACs over OpenSSL (ops.node_hash_*), randomness
// from the runtime's CSPRNG, WebCrypto as `webcrypto`/`subtle`, and the parts in
// crypto_keys.js (KeyObject), crypto_cipher.js (ciphers, KDFs) and crypto_asymmetric.js
// (signatures, RSA encryption, ECDH).
import { host } from "./runtime.js";
import { invalidArgType, makeError, outOfRange, validateFunction } from "./errors.js";
import { loadBuiltin } from "./registry.js";
import { createKeys } from "./crypto_keys.js";
import { createCiphers } from "./crypto_cipher.js";
import { asymmetricConstants, createAsymmetric } from "./crypto_asymmetric.js";

export function createCrypto() {
  const { Buffer } = loadBuiltin("buffer");
  const { Transform, Writable } = loadBuiltin("stream");
  const { StringDecoder } = loadBuiltin("string_decoder");
  const { nextTick } = loadBuiltin("process");
  const keys = createKeys(Buffer, nextTick);
  const ciphers = createCiphers({ Buffer, Transform, StringDecoder, keys, nextTick });
  const asymmetric = createAsymmetric({ Buffer, Writable, keys, nextTick });
  function toBytes(data, encoding, name) {
    if (typeof data === "string") return Buffer.from(data, encoding ?? "utf8");
    if (ArrayBuffer.isView(data)) return new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
    if (data instanceof ArrayBuffer) return new Uint8Array(data);
    throw invalidArgType(name, ["string", "Buffer", "TypedArray", "DataView"], data);
  }

  function output(bytes, encoding) {
    const buffer = Buffer.from(bytes);
    return encoding === undefined || encoding === "buffer" ? buffer : buffer.toString(encoding);
  }

  const kHandle = Symbol("handle");
  const keyExports = {};
  for (const name of ["KeyObject", "createSecretKey", "createPublicKey", "createPrivateKey", "generateKeyPair", "generateKeyPairSync", "generateKey", "generateKeySync"]) {
    keyExports[name] = keys[name];
  }
  const kFinished = Symbol("finished");

  class Hash {
    constructor(algorithm, options = undefined, handle = undefined) {
      if (typeof algorithm !== "string") throw invalidArgType("algorithm", "string", algorithm);
      this[kHandle] = handle ?? host.ops.node_hash_new(algorithm, undefined);
      if (this[kHandle] === null) throw new Error(`Digest method not supported: ${algorithm}`);
      this[kFinished] = false;
      this.algorithm = algorithm;
    }
    update(data, encoding = undefined) {
      if (this[kFinished]) throw makeError(Error, "ERR_CRYPTO_HASH_FINALIZED", "Digest already called");
      host.ops.node_hash_update(this[kHandle], toBytes(data, encoding, "data"));
      return this;
    }
    digest(encoding = undefined) {
      if (this[kFinished]) throw makeError(Error, "ERR_CRYPTO_HASH_FINALIZED", "Digest already called");
      this[kFinished] = true;
      return output(host.ops.node_hash_digest(this[kHandle]), encoding);
    }
    copy() {
      if (this[kFinished]) throw makeError(Error, "ERR_CRYPTO_HASH_FINALIZED", "Digest already called");
      return new Hash(this.algorithm, undefined, host.ops.node_hash_copy(this[kHandle]));
    }
  }

  class Hmac {
    constructor(algorithm, key, options = undefined) {
      if (typeof algorithm !== "string") throw invalidArgType("hmac", "string", algorithm);
      const keyBytes = keys.secretBytes(key, options?.encoding, "key");
      this[kHandle] = host.ops.node_hash_new(algorithm, keyBytes);
      if (this[kHandle] === null) throw makeError(TypeError, "ERR_CRYPTO_INVALID_DIGEST", `Invalid digest: ${algorithm}`);
      this[kFinished] = false;
    }
    update(data, encoding = undefined) {
      if (this[kFinished]) throw makeError(Error, "ERR_CRYPTO_HASH_FINALIZED", "Digest already called");
      host.ops.node_hash_update(this[kHandle], toBytes(data, encoding, "data"));
      return this;
    }
    digest(encoding = undefined) {
      // Node returns an empty result for a second digest() of an HMAC rather than throwing.
      if (this[kFinished]) return output(new Uint8Array(0), encoding);
      this[kFinished] = true;
      return output(host.ops.node_hash_digest(this[kHandle]), encoding);
    }
  }

  function createHash(algorithm, options = undefined) {
    return new Hash(algorithm, options);
  }

  function createHmac(algorithm, key, options = undefined) {
    return new Hmac(algorithm, key, options);
  }

  // crypto.hash(algorithm, data, outputEncoding = "hex"): one-shot.
  function hash(algorithm, data, outputEncoding = "hex") {
    return createHash(algorithm).update(data).digest(outputEncoding);
  }

  function getHashes() {
    return host.ops.node_hash_names();
  }

  const kMaxRandom = 2 ** 31 - 1;

  function randomFillSync(buffer, offset = 0, size = undefined) {
    if (!ArrayBuffer.isView(buffer) && !(buffer instanceof ArrayBuffer)) {
      throw invalidArgType("buf", ["ArrayBuffer", "ArrayBufferView"], buffer);
    }
    const bytes = buffer instanceof ArrayBuffer ? new Uint8Array(buffer) : new Uint8Array(buffer.buffer, buffer.byteOffset, buffer.byteLength);
    size ??= bytes.length - offset;
    if (offset < 0 || offset > bytes.length) throw outOfRange("offset", `>= 0 && <= ${bytes.length}`, offset);
    if (size < 0 || offset + size > bytes.length) throw outOfRange("size + offset", `<= ${bytes.length}`, size + offset);
    for (let at = offset; at < offset + size; at += 65536) {
      host.webcrypto.getRandomValues(bytes.subarray(at, Math.min(at + 65536, offset + size)));
    }
    return buffer;
  }

  function randomFill(buffer, offset, size, callback) {
    if (typeof offset === "function") [offset, size, callback] = [0, undefined, offset];
    else if (typeof size === "function") [size, callback] = [undefined, size];
    validateFunction(callback, "callback");
    let result;
    try {
      result = randomFillSync(buffer, offset, size);
    } catch (error) {
      queueMicrotask(() => callback(error));
      return;
    }
    queueMicrotask(() => callback(null, result));
  }

  function randomBytes(size, callback = undefined) {
    if (typeof size !== "number") throw invalidArgType("size", "number", size);
    if (!(size >= 0 && size <= kMaxRandom)) throw outOfRange("size", `>= 0 && <= ${kMaxRandom}`, size);
    const bytes = randomFillSync(Buffer.alloc(size));
    if (callback === undefined) return bytes;
    validateFunction(callback, "callback");
    queueMicrotask(() => callback(null, bytes));
  }

  // randomInt([min,] max[, callback]): uniform in [min, max), by rejection sampling of
  // 48-bit values as Node does.
  function randomInt(min, max = undefined, callback = undefined) {
    if (typeof max === "function" || max === undefined) [min, max, callback] = [0, min, max];
    if (!Number.isSafeInteger(min)) throw invalidArgType("min", "a safe integer", min);
    if (!Number.isSafeInteger(max)) throw invalidArgType("max", "a safe integer", max);
    if (max <= min) {
      throw outOfRange("max", `greater than the value of "min" (${min})`, max);
    }
    const range = max - min;
    if (range > 2 ** 48 - 1) throw outOfRange("max - min", `<= ${2 ** 48 - 1}`, range);
    const limit = 2 ** 48 - (2 ** 48 % range);
    const six = new Uint8Array(6);
    let value;
    do {
      host.webcrypto.getRandomValues(six);
      value = six.reduce((acc, byte) => acc * 256 + byte, 0);
    } while (value >= limit);
    const result = min + (value % range);
    if (callback === undefined) return result;
    validateFunction(callback, "callback");
    queueMicrotask(() => callback(null, result));
  }

  function randomUUID() {
    return host.webcrypto.randomUUID();
  }

  function getRandomValues(array) {
    return host.webcrypto.getRandomValues(array);
  }

  function timingSafeEqual(a, b) {
    if (!ArrayBuffer.isView(a) && !(a instanceof ArrayBuffer)) throw invalidArgType("buf1", ["ArrayBuffer", "Buffer", "TypedArray", "DataView"], a);
    if (!ArrayBuffer.isView(b) && !(b instanceof ArrayBuffer)) throw invalidArgType("buf2", ["ArrayBuffer", "Buffer", "TypedArray", "DataView"], b);
    const x = toBytes(a, undefined, "buf1");
    const y = toBytes(b, undefined, "buf2");
    if (x.byteLength !== y.byteLength) {
      throw makeError(RangeError, "ERR_CRYPTO_TIMING_SAFE_EQUAL_LENGTH", "Input buffers must have the same byte length");
    }
    return host.ops.node_timing_safe_equal(x, y);
  }

  // Node's crypto functions this runtime does not provide: a clear error naming each, not
  // "is not a function".
  const unsupported = {};
  for (const name of ["createDiffieHellman", "createDiffieHellmanGroup", "getDiffieHellman", "DiffieHellman", "DiffieHellmanGroup", "X509Certificate", "Certificate", "generatePrime", "generatePrimeSync", "checkPrime", "checkPrimeSync", "secureHeapUsed", "setEngine"]) {
    unsupported[name] = function () {
      throw makeError(Error, "ERR_NOT_SUPPORTED", `crypto.${name} is not supported by this runtime`);
    };
  }

  return {
    ...unsupported,
    Hash,
    Hmac,
    createHash,
    createHmac,
    getHashes,
    getRandomValues,
    hash,
    randomBytes,
    randomFill,
    randomFillSync,
    randomInt,
    randomUUID,
    timingSafeEqual,
    webcrypto: host.webcrypto,
    subtle: host.webcrypto.subtle,
    ...keyExports,
    ...ciphers,
    ...asymmetric,
    constants: Object.freeze({ ...asymmetricConstants }),
  };
}
