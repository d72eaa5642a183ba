// node:crypto's operations on asymmetric keys: createSign/createVerify and one-shot
// sign/verify (RSA PKCS#1 v1.5 and PSS, ECDSA in DER or IEEE P1363, Ed25519/Ed448),
// publicEncrypt/privateDecrypt/privateEncrypt/publicDecrypt, createECDH and
// diffieHellman, over OpenSSL (api/op_node_keys.cpp) and the shared key handles.
import { host } from "./runtime.js";
import { invalidArgType, invalidArgValue, makeError, validateFunction, validateObject, validateString } from "./errors.js";

// The RSA and point-format constants Node puts in crypto.constants.
export const asymmetricConstants = {
  RSA_PKCS1_PADDING: 1,
  RSA_NO_PADDING: 3,
  RSA_PKCS1_OAEP_PADDING: 4,
  RSA_X931_PADDING: 5,
  RSA_PKCS1_PSS_PADDING: 6,
  RSA_PSS_SALTLEN_DIGEST: -1,
  RSA_PSS_SALTLEN_MAX_SIGN: -2,
  RSA_PSS_SALTLEN_AUTO: -2,
  POINT_CONVERSION_COMPRESSED: 2,
  POINT_CONVERSION_UNCOMPRESSED: 4,
  POINT_CONVERSION_HYBRID: 6,
};

export function createAsymmetric({ Buffer, Writable, keys, nextTick }) {
  function bytesOf(data, encoding, name) {
    if (typeof data === "string") return Buffer.from(data, encoding ?? "utf8");
    if (ArrayBuffer.isView(data)) return new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
    if (data instanceof ArrayBuffer) return new Uint8Array(data);
    throw invalidArgType(name, ["string", "ArrayBuffer", "Buffer", "TypedArray", "DataView"], data);
  }

  const output = (bytes, encoding) => {
    const buffer = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    return encoding === undefined || encoding === "buffer" ? buffer : buffer.toString(encoding);
  };

  // Node's signing options, read from a key given as an object.
  function signOptions(key) {
    const options = key !== null && typeof key === "object" && !ArrayBuffer.isView(key) && !(key instanceof keys.KeyObject) ? key : {};
    const { padding, saltLength, dsaEncoding = "der" } = options;
    if (padding !== undefined && typeof padding !== "number") throw invalidArgValue("options.padding", padding);
    if (saltLength !== undefined && typeof saltLength !== "number") throw invalidArgValue("options.saltLength", saltLength);
    if (dsaEncoding !== "der" && dsaEncoding !== "ieee-p1363") throw invalidArgValue("options.dsaEncoding", dsaEncoding);
    return [padding ?? 0, saltLength ?? -2, dsaEncoding === "ieee-p1363"];
  }

  function checkAlgorithm(algorithm) {
    if (algorithm !== null && algorithm !== undefined) validateString(algorithm, "algorithm");
    return algorithm ?? null;
  }

  function signOneShot(algorithm, data, key, callback = undefined) {
    const digest = checkAlgorithm(algorithm);
    const bytes = bytesOf(data, undefined, "data");
    if (callback !== undefined) validateFunction(callback, "callback");
    const handle = keys.asymmetricHandle(key, true);
    const [padding, saltLength, p1363] = signOptions(key);
    let result;
    try {
      result = Buffer.from(host.ops.node_sign(handle, digest, bytes, padding, saltLength, p1363));
    } catch (error) {
      if (callback === undefined) throw error;
      nextTick(callback, error);
      return;
    }
    if (callback === undefined) return result;
    nextTick(callback, null, result);
  }

  function verifyOneShot(algorithm, data, key, signature, callback = undefined) {
    const digest = checkAlgorithm(algorithm);
    const bytes = bytesOf(data, undefined, "data");
    const sig = bytesOf(signature, undefined, "signature");
    if (callback !== undefined) validateFunction(callback, "callback");
    const handle = keys.asymmetricHandle(key, false);
    const [padding, saltLength, p1363] = signOptions(key);
    let result;
    try {
      result = host.ops.node_verify(handle, digest, bytes, sig, padding, saltLength, p1363);
    } catch (error) {
      if (callback === undefined) throw error;
      nextTick(callback, error);
      return;
    }
    if (callback === undefined) return result;
    nextTick(callback, null, result);
  }

  const kData = Symbol("kData");
  const kAlgorithm = Symbol("kAlgorithm");

  // Sign and Verify are Writables that collect the data; the digest is computed with the
  // signature, in one native call.
  class SignVerifyBase extends Writable {
    constructor(algorithm, options) {
      validateString(algorithm, "algorithm");
      if (host.ops.node_digest_size(algorithm) === 0) {
        throw makeError(Error, "ERR_CRYPTO_INVALID_DIGEST", `Invalid digest: ${algorithm}`);
      }
      super(options);
      this[kAlgorithm] = algorithm;
      this[kData] = [];
    }
    _write(chunk, encoding, callback) {
      this.update(chunk, encoding);
      callback();
    }
    update(data, inputEncoding = undefined) {
      if (typeof data !== "string" && !ArrayBuffer.isView(data)) {
        throw invalidArgType("data", ["string", "Buffer", "TypedArray", "DataView"], data);
      }
      this[kData].push(Buffer.from(bytesOf(data, inputEncoding, "data")));
      return this;
    }
  }

  class Sign extends SignVerifyBase {
    sign(privateKey, outputEncoding = undefined) {
      const data = Buffer.concat(this[kData]);
      return output(signOneShot(this[kAlgorithm], data, privateKey), outputEncoding);
    }
  }

  class Verify extends SignVerifyBase {
    verify(object, signature, signatureEncoding = undefined) {
      const data = Buffer.concat(this[kData]);
      return verifyOneShot(this[kAlgorithm], data, object, bytesOf(signature, signatureEncoding, "signature"));
    }
  }

  // publicEncrypt & co.: `defaultPadding` when the key object names none.
  function rsaCrypt(operation, defaultPadding, wantPrivate) {
    return function (key, buffer) {
      const handle = keys.asymmetricHandle(key, wantPrivate);
      const options = key !== null && typeof key === "object" && !ArrayBuffer.isView(key) && !(key instanceof keys.KeyObject) ? key : {};
      const padding = options.padding ?? defaultPadding;
      const oaepHash = options.oaepHash ?? "sha1";
      validateString(oaepHash, "key.oaepHash");
      const label = options.oaepLabel === undefined ? undefined : bytesOf(options.oaepLabel, undefined, "key.oaepLabel");
      return Buffer.from(host.ops.node_rsa_crypt(operation, handle, bytesOf(buffer, options.encoding, "buffer"), padding, oaepHash, label));
    };
  }

  // --- ECDH ----------------------------------------------------------------------------

  const kCurve = Symbol("kCurve");
  const kKey = Symbol("kKey");

  function compress(point) {
    const size = (point.length - 1) / 2;
    const out = Buffer.alloc(size + 1);
    out[0] = point[point.length - 1] & 1 ? 3 : 2;
    point.copy(out, 1, 1, 1 + size);
    return out;
  }

  function formatPoint(point, encoding, format = "uncompressed") {
    let buffer = Buffer.from(point);
    if (format === "compressed") buffer = compress(buffer);
    else if (format === "hybrid") buffer[0] = buffer[buffer.length - 1] & 1 ? 7 : 6;
    else if (format !== "uncompressed") throw makeError(TypeError, "ERR_CRYPTO_ECDH_INVALID_FORMAT", `Invalid ECDH format: ${format}`);
    return encoding === undefined || encoding === "buffer" ? buffer : buffer.toString(encoding);
  }

  function ecKey(curve, priv, point) {
    const made = host.ops.node_ec_key(curve, priv, point);
    if (made === "curve") throw makeError(TypeError, "ERR_CRYPTO_INVALID_CURVE", "Invalid EC curve name");
    return made;
  }

  class ECDH {
    constructor(curve) {
      validateString(curve, "curve");
      ecKey(curve, null, null); // throws for a curve OpenSSL does not know
      this[kCurve] = curve;
      this[kKey] = null;
    }
    static convertKey(key, curve, inputEncoding = undefined, outputEncoding = undefined, format = "uncompressed") {
      const handle = ecKey(curve, null, bytesOf(key, inputEncoding, "key"));
      if (typeof handle === "string") throw new Error("Failed to convert Buffer to EC_POINT");
      return formatPoint(host.ops.node_ec_parts(handle)[0], outputEncoding, format);
    }
    generateKeys(encoding = undefined, format = undefined) {
      this[kKey] = host.ops.node_key_generate("EC", this[kCurve])[0];
      return this.getPublicKey(encoding, format);
    }
    getPublicKey(encoding = undefined, format = undefined) {
      if (this[kKey] === null) throw makeError(Error, "ERR_CRYPTO_ECDH_INVALID_PUBLIC_KEY", "Failed to get ECDH public key");
      return formatPoint(host.ops.node_ec_parts(this[kKey])[0], encoding, format);
    }
    getPrivateKey(encoding = undefined) {
      if (this[kKey] === null) throw new Error("Failed to get ECDH private key");
      const priv = Buffer.from(host.ops.node_ec_parts(this[kKey])[1]);
      return encoding === undefined || encoding === "buffer" ? priv : priv.toString(encoding);
    }
    setPrivateKey(key, encoding = undefined) {
      const handle = ecKey(this[kCurve], bytesOf(key, encoding, "key"), null);
      if (typeof handle === "string") throw new Error("Private key is not valid for specified curve.");
      this[kKey] = handle;
      return this;
    }
    computeSecret(otherPublicKey, inputEncoding = undefined, outputEncoding = undefined) {
      const peer = ecKey(this[kCurve], null, bytesOf(otherPublicKey, inputEncoding, "otherPublicKey"));
      if (typeof peer === "string") {
        throw makeError(Error, "ERR_CRYPTO_ECDH_INVALID_PUBLIC_KEY", "Public key is not valid for specified curve");
      }
      const secret = Buffer.from(host.ops.crypto_derive_shared(this[kKey], peer));
      return outputEncoding === undefined || outputEncoding === "buffer" ? secret : secret.toString(outputEncoding);
    }
  }

  function diffieHellman(options) {
    validateObject(options, "options");
    const { privateKey, publicKey } = options;
    if (!(privateKey instanceof keys.KeyObject)) throw invalidArgType("options.privateKey", "KeyObject", privateKey);
    if (!(publicKey instanceof keys.KeyObject)) throw invalidArgType("options.publicKey", "KeyObject", publicKey);
    if (privateKey.type !== "private") throw makeError(TypeError, "ERR_CRYPTO_INVALID_KEY_OBJECT_TYPE", `Invalid key object type ${privateKey.type}, expected private.`);
    if (publicKey.type === "secret") throw makeError(TypeError, "ERR_CRYPTO_INVALID_KEY_OBJECT_TYPE", `Invalid key object type ${publicKey.type}, expected private or public.`);
    return Buffer.from(host.ops.crypto_derive_shared(keys.handleOf(privateKey), keys.handleOf(publicKey)));
  }

  return {
    Sign,
    Verify,
    createSign: (algorithm, options) => new Sign(algorithm, options),
    createVerify: (algorithm, options) => new Verify(algorithm, options),
    sign: signOneShot,
    verify: verifyOneShot,
    publicEncrypt: rsaCrypt("publicEncrypt", 4, false),
    privateDecrypt: rsaCrypt("privateDecrypt", 4, true),
    privateEncrypt: rsaCrypt("privateEncrypt", 1, true),
    publicDecrypt: rsaCrypt("publicDecrypt", 1, false),
    ECDH,
    createECDH: (curve) => new ECDH(curve),
    diffieHellman,
  };
}
