// node:crypto's ciphers (createCipheriv/createDecipheriv as Transform streams with
// update/final, AEAD tags and AAD, auto padding) and key derivations (pbkdf2, scrypt,
// hkdf), over OpenSSL (api/op_node_cipher.cpp). pbkdf2's and scrypt's callback forms run
// on the runtime's offload threads (OpHost::offload); hkdf's, cheap, in a later turn.
import { host } from "./runtime.js";
import { invalidArgType, invalidArgValue, makeError, outOfRange, validateFunction, validateObject, validateString } from "./errors.js";

export function createCiphers({ Buffer, Transform, StringDecoder, keys, nextTick }) {
  function bytesOf(data, encoding, name) {
    if (typeof data === "string") return Buffer.from(data, encoding ?? "utf8");
    if (ArrayBuffer.isView(data)) return new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
    if (data instanceof ArrayBuffer) return new Uint8Array(data);
    throw invalidArgType(name, ["string", "ArrayBuffer", "Buffer", "TypedArray", "DataView"], data);
  }

  const invalidState = (operation) =>
    makeError(Error, "ERR_CRYPTO_INVALID_STATE", `Invalid state for operation ${operation}`);

  const kState = Symbol("kCipherState");

  class CipherBase extends Transform {
    constructor(cipher, key, iv, options, decrypt) {
      validateString(cipher, "cipher");
      const keyBytes = keys.secretBytes(key, undefined, "key");
      let ivBytes = null;
      if (iv !== null && iv !== undefined) ivBytes = bytesOf(iv, undefined, "iv");
      else if (iv === undefined) throw invalidArgType("iv", ["string", "ArrayBuffer", "Buffer", "TypedArray", "DataView"], iv);
      const tagLength = options?.authTagLength;
      if (tagLength !== undefined && (!Number.isInteger(tagLength) || tagLength <= 0)) {
        throw makeError(TypeError, "ERR_CRYPTO_INVALID_AUTH_TAG", `Invalid authentication tag length: ${tagLength}`);
      }
      const handle = host.ops.node_cipher_new(cipher, keyBytes, ivBytes, !decrypt, tagLength ?? 0);
      if (handle === "unknown") throw makeError(TypeError, "ERR_CRYPTO_UNKNOWN_CIPHER", "Unknown cipher");
      if (handle === "keylen") throw makeError(RangeError, "ERR_CRYPTO_INVALID_KEYLEN", "Invalid key length");
      if (handle === "iv") throw makeError(TypeError, "ERR_CRYPTO_INVALID_IV", "Invalid initialization vector");
      if (handle === "taglen") throw makeError(TypeError, "ERR_CRYPTO_INVALID_AUTH_TAG", `Invalid authentication tag length: ${tagLength}`);
      super(options);
      const info = host.ops.node_cipher_info(cipher);
      this[kState] = { handle, decrypt, finished: false, tag: null, aead: ["gcm", "ccm", "ocb"].includes(info.mode) || /poly1305/.test(info.name), decoder: null, decoderEncoding: null, tagLength };
    }

    #output(bytes, encoding) {
      const buffer = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
      if (encoding === undefined || encoding === "buffer") return buffer;
      const state = this[kState];
      if (state.decoder === null || state.decoderEncoding !== encoding) {
        state.decoder = new StringDecoder(encoding);
        state.decoderEncoding = encoding;
      }
      return state.decoder.write(buffer);
    }

    update(data, inputEncoding = undefined, outputEncoding = undefined) {
      const state = this[kState];
      if (state.finished) throw invalidState("update");
      if (typeof data !== "string" && !ArrayBuffer.isView(data)) {
        throw invalidArgType("data", ["string", "Buffer", "TypedArray", "DataView"], data);
      }
      const out = host.ops.node_cipher_update(state.handle, bytesOf(data, inputEncoding, "data"));
      if (out === null) throw makeError(Error, "ERR_CRYPTO_INVALID_STATE", "Trying to add data in unsupported state");
      return this.#output(out, outputEncoding);
    }

    final(outputEncoding = undefined) {
      const state = this[kState];
      if (state.finished) throw invalidState("final");
      state.finished = true;
      const out = host.ops.node_cipher_final(state.handle);
      if (out === null) {
        if (state.aead) throw new Error("Unsupported state or unable to authenticate data");
        throw makeError(Error, "ERR_OSSL_BAD_DECRYPT", "error:1C800064:Provider routines::bad decrypt");
      }
      if (!state.decrypt && state.aead) state.tag = host.ops.node_cipher_get_tag(state.handle);
      let result = this.#output(out, outputEncoding);
      if (typeof result === "string" && state.decoder !== null) result += state.decoder.end();
      return result;
    }

    setAutoPadding(autoPadding = true) {
      const state = this[kState];
      if (state.finished || !host.ops.node_cipher_set_padding(state.handle, !!autoPadding)) throw invalidState("setAutoPadding");
      return this;
    }

    setAAD(buffer, options = undefined) {
      const state = this[kState];
      const bytes = bytesOf(buffer, options?.encoding, "buffer");
      const plaintextLength = options?.plaintextLength ?? 0;
      if (state.finished || !host.ops.node_cipher_set_aad(state.handle, bytes, plaintextLength)) throw invalidState("setAAD");
      return this;
    }

    _transform(chunk, encoding, callback) {
      try {
        this.push(this.update(chunk, encoding));
      } catch (error) {
        callback(error);
        return;
      }
      callback();
    }

    _flush(callback) {
      try {
        this.push(this.final());
      } catch (error) {
        callback(error);
        return;
      }
      callback();
    }
  }

  class Cipheriv extends CipherBase {
    constructor(cipher, key, iv, options = undefined) {
      super(cipher, key, iv, options, false);
    }
    getAuthTag() {
      const state = this[kState];
      if (state.tag === null) throw invalidState("getAuthTag");
      return Buffer.from(state.tag);
    }
  }

  class Decipheriv extends CipherBase {
    constructor(cipher, key, iv, options = undefined) {
      super(cipher, key, iv, options, true);
    }
    setAuthTag(tagbuf, encoding = undefined) {
      const state = this[kState];
      const tag = bytesOf(tagbuf, encoding, "buffer");
      const valid = state.tagLength !== undefined ? tag.byteLength === state.tagLength : [4, 8, 12, 13, 14, 15, 16].includes(tag.byteLength);
      if (!valid) throw makeError(TypeError, "ERR_CRYPTO_INVALID_AUTH_TAG", `Invalid authentication tag length: ${tag.byteLength}`);
      if (state.finished || state.tag !== null || !host.ops.node_cipher_set_tag(state.handle, tag)) throw invalidState("setAuthTag");
      state.tag = tag;
      return this;
    }
  }

  const createCipheriv = (cipher, key, iv, options) => new Cipheriv(cipher, key, iv, options);
  const createDecipheriv = (cipher, key, iv, options) => new Decipheriv(cipher, key, iv, options);

  function getCipherInfo(nameOrNid, options = undefined) {
    if (typeof nameOrNid !== "string" && typeof nameOrNid !== "number") throw invalidArgType("nameOrNid", ["string", "number"], nameOrNid);
    const info = host.ops.node_cipher_info(String(nameOrNid));
    if (info === undefined) return undefined;
    if (options?.keyLength !== undefined && options.keyLength !== info.keyLength) return undefined;
    if (options?.ivLength !== undefined && options.ivLength !== info.ivLength && !["gcm", "ccm", "ocb"].includes(info.mode)) return undefined;
    const result = { mode: info.mode, name: info.name, nid: info.nid, keyLength: info.keyLength };
    if (info.mode !== "ecb" && info.mode !== "stream") result.ivLength = info.ivLength;
    if (info.blockSize !== 1) result.blockSize = info.blockSize;
    return result;
  }

  // --- key derivation ------------------------------------------------------------------

  function checkInteger(value, name, min = 0, max = 2 ** 31 - 1) {
    if (typeof value !== "number") throw invalidArgType(name, "number", value);
    if (!Number.isInteger(value)) throw outOfRange(name, "an integer", value);
    if (value < min || value > max) throw outOfRange(name, `>= ${min} && <= ${max}`, value);
  }

  function pbkdf2Sync(password, salt, iterations, keylen, digest) {
    const pass = bytesOf(password, undefined, "password");
    const saltBytes = bytesOf(salt, undefined, "salt");
    checkInteger(iterations, "iterations", 1);
    checkInteger(keylen, "keylen");
    validateString(digest, "digest");
    const out = host.ops.node_pbkdf2(pass, saltBytes, iterations, keylen, digest);
    if (out === null) throw makeError(TypeError, "ERR_CRYPTO_INVALID_DIGEST", `Invalid digest: ${digest}`);
    return Buffer.from(out);
  }

  // Runs `derive` (cheap) in a later turn of the loop and hands its result to `callback`.
  function later(callback, derive) {
    setTimeout(() => {
      let result;
      try {
        result = derive();
      } catch (error) {
        callback(error);
        return;
      }
      callback(null, result);
    }, 0);
  }

  function pbkdf2(password, salt, iterations, keylen, digest, callback) {
    if (typeof digest === "function") [digest, callback] = [undefined, digest];
    validateFunction(callback, "callback");
    const pass = bytesOf(password, undefined, "password");
    const saltBytes = bytesOf(salt, undefined, "salt");
    checkInteger(iterations, "iterations", 1);
    checkInteger(keylen, "keylen");
    validateString(digest, "digest");
    if (host.ops.node_digest_size(digest) === 0) throw makeError(TypeError, "ERR_CRYPTO_INVALID_DIGEST", `Invalid digest: ${digest}`);
    // On the runtime's offload threads (OpHost::offload): many iterations do not hold the loop.
    host.ops.node_pbkdf2_async(pass, saltBytes, iterations, keylen, digest).then(
      (bytes) => nextTick(callback, null, Buffer.from(bytes)),
      (error) => nextTick(callback, error),
    );
  }

  const SCRYPT_DEFAULTS = { N: 16384, r: 8, p: 1, maxmem: 32 << 20 };

  function scryptParams(options) {
    if (options === undefined || options === null) return SCRYPT_DEFAULTS;
    validateObject(options, "options");
    const pick = (a, b, name) => {
      if (options[a] !== undefined && options[b] !== undefined) {
        throw makeError(TypeError, "ERR_INCOMPATIBLE_OPTION_PAIR", `Option "${a}" cannot be used in combination with option "${b}"`);
      }
      return options[a] ?? options[b] ?? SCRYPT_DEFAULTS[name];
    };
    const params = {
      N: pick("N", "cost", "N"),
      r: pick("r", "blockSize", "r"),
      p: pick("p", "parallelization", "p"),
      maxmem: options.maxmem ?? SCRYPT_DEFAULTS.maxmem,
    };
    for (const [name, value] of Object.entries(params)) {
      if (typeof value !== "number" || !Number.isSafeInteger(value) || value < 0) throw invalidArgValue(`options.${name}`, value);
    }
    return params;
  }

  const invalidScrypt = (reason) => makeError(RangeError, "ERR_CRYPTO_INVALID_SCRYPT_PARAMS", `Invalid scrypt params: ${reason}`);

  // What Node checks before it starts: N a power of two, and the memory scrypt needs
  // (128·N·r bytes for its table) within maxmem.
  function checkScrypt(N, r, p, maxmem) {
    if (N < 2 || !Number.isInteger(Math.log2(N))) throw invalidScrypt("N must be > 1 and a power of 2");
    if (r < 1 || p < 1) throw invalidScrypt("r and p must be >= 1");
    if (128 * N * r > maxmem) throw invalidScrypt("memory limit exceeded");
  }

  function scryptSync(password, salt, keylen, options = undefined) {
    const pass = bytesOf(password, undefined, "password");
    const saltBytes = bytesOf(salt, undefined, "salt");
    checkInteger(keylen, "keylen");
    const { N, r, p, maxmem } = scryptParams(options);
    checkScrypt(N, r, p, maxmem);
    const out = host.ops.node_scrypt(pass, saltBytes, keylen, N, r, p, maxmem);
    if (out === null) throw invalidScrypt("memory limit exceeded");
    return Buffer.from(out);
  }

  function scrypt(password, salt, keylen, options, callback = undefined) {
    if (typeof options === "function") [options, callback] = [undefined, options];
    validateFunction(callback, "callback");
    const pass = bytesOf(password, undefined, "password");
    const saltBytes = bytesOf(salt, undefined, "salt");
    checkInteger(keylen, "keylen");
    const { N, r, p, maxmem } = scryptParams(options);
    checkScrypt(N, r, p, maxmem);
    host.ops.node_scrypt_async(pass, saltBytes, keylen, N, r, p, maxmem).then(
      (bytes) => nextTick(callback, null, Buffer.from(bytes)),
      (error) => nextTick(callback, error?.message === "derivation failed" ? invalidScrypt("memory limit exceeded") : error),
    );
  }

  function hkdfArgs(digest, ikm, salt, info, keylen) {
    validateString(digest, "digest");
    const key = keys.secretBytes(ikm, undefined, "ikm");
    const saltBytes = bytesOf(salt, undefined, "salt");
    const infoBytes = bytesOf(info, undefined, "info");
    checkInteger(keylen, "length");
    const size = host.ops.node_digest_size(digest);
    if (size === 0) throw makeError(TypeError, "ERR_CRYPTO_INVALID_DIGEST", `Invalid digest: ${digest}`);
    if (infoBytes.byteLength > 1024) throw outOfRange("info", "must not contain more than 1024 bytes", infoBytes.byteLength);
    if (keylen > 255 * size) throw makeError(RangeError, "ERR_CRYPTO_INVALID_KEYLEN", "Invalid key length");
    return [digest, key, saltBytes, infoBytes, keylen];
  }

  function hkdfSync(digest, ikm, salt, info, keylen) {
    return host.ops.node_hkdf(...hkdfArgs(digest, ikm, salt, info, keylen));
  }

  function hkdf(digest, ikm, salt, info, keylen, callback) {
    validateFunction(callback, "callback");
    const args = hkdfArgs(digest, ikm, salt, info, keylen);
    later(callback, () => host.ops.node_hkdf(...args));
  }

  return {
    Cipheriv,
    Decipheriv,
    createCipheriv,
    createDecipheriv,
    getCipherInfo,
    getCiphers: () => host.ops.node_cipher_names(),
    getCurves: () => host.ops.node_curve_names(),
    pbkdf2,
    pbkdf2Sync,
    scrypt,
    scryptSync,
    hkdf,
    hkdfSync,
  };
}
