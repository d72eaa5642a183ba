// node:crypto's KeyObject, createSecretKey/createPublicKey/createPrivateKey, key pair and
// secret generation. A KeyObject holds the same native key handle a CryptoKey does
// (api/crypto_key.hpp: crypto.subtle's keys), so KeyObject.from(cryptoKey) shares the key.
// PEM/DER go through OpenSSL's decoders and encoders (ops.node_key_*), JWK through the
// handles' JWK members (ops.crypto_pkey_*_jwk, as crypto.subtle uses them).
import { host } from "./runtime.js";
import { invalidArgType, invalidArgValue, makeError, validateFunction, validateObject, validateString } from "./errors.js";

const kHandle = Symbol("kKeyHandle");
const kType = Symbol("kKeyType");

// OpenSSL's curve names and the JWK `crv` Node gives them.
const CURVE_JWK = { prime256v1: "P-256", secp384r1: "P-384", secp521r1: "P-521", secp256k1: "secp256k1" };

export function createKeys(Buffer, nextTick) {
  function bytesOf(data, encoding, name) {
    if (typeof data === "string") return Buffer.from(data, encoding ?? "utf8");
    if (ArrayBuffer.isView(data)) return new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
    if (data instanceof ArrayBuffer) return new Uint8Array(data);
    throw invalidArgType(name, ["string", "ArrayBuffer", "Buffer", "TypedArray", "DataView"], data);
  }

  const b64url = (bytes) => Buffer.from(bytes).toString("base64url");
  const fromB64url = (text) => new Uint8Array(Buffer.from(text, "base64url")).buffer;

  class KeyObject {
    constructor(type, handle) {
      if (type !== "secret" && type !== "public" && type !== "private") {
        throw invalidArgValue("type", type);
      }
      if (!(handle instanceof ArrayBuffer)) throw invalidArgType("handle", "object", handle);
      this[kType] = type;
      this[kHandle] = handle;
    }

    get type() {
      return this[kType];
    }

    static from(key) {
      const keys = host.cryptoKeys;
      if (!keys?.isCryptoKey(key)) throw invalidArgType("key", "CryptoKey", key);
      const handle = keys.keyHandle(key);
      if (key.type === "secret") return new SecretKeyObject(handle);
      return key.type === "public" ? new PublicKeyObject(handle) : new PrivateKeyObject(handle);
    }

    equals(otherKeyObject) {
      if (!(otherKeyObject instanceof KeyObject)) throw invalidArgType("otherKeyObject", "KeyObject", otherKeyObject);
      if (otherKeyObject.type !== this.type) return false;
      if (this.type === "secret") {
        const a = new Uint8Array(host.ops.crypto_secret_export(this[kHandle]));
        const b = new Uint8Array(host.ops.crypto_secret_export(otherKeyObject[kHandle]));
        return host.ops.node_timing_safe_equal(a, b);
      }
      return host.ops.node_key_equals(this[kHandle], otherKeyObject[kHandle]);
    }

    // A CryptoKey with this key's material (a copy) for `algorithm` and `keyUsages`, as
    // crypto.subtle.importKey would make it, but synchronously.
    toCryptoKey(algorithm, extractable, keyUsages) {
      const importKeySync = host.cryptoKeys.importKeySync;
      if (this.type === "secret") {
        return importKeySync("raw", host.ops.crypto_secret_export(this[kHandle]), algorithm, extractable, keyUsages);
      }
      const format = this.type === "public" ? "spki" : "pkcs8";
      const der = host.ops.node_key_export(this[kHandle], "der", format);
      return importKeySync(format, der, algorithm, extractable, keyUsages);
    }

    get [Symbol.toStringTag]() {
      return "KeyObject";
    }
  }

  class SecretKeyObject extends KeyObject {
    constructor(handle) {
      super("secret", handle);
    }
    get symmetricKeySize() {
      return host.ops.crypto_secret_length(this[kHandle]);
    }
    export(options = undefined) {
      if (options !== undefined) validateObject(options, "options");
      const bytes = Buffer.from(host.ops.crypto_secret_export(this[kHandle]));
      if (options?.format === "jwk") return { kty: "oct", k: bytes.toString("base64url") };
      if (options?.format !== undefined && options.format !== "buffer") {
        throw invalidArgValue("options.format", options.format);
      }
      return bytes;
    }
  }

  class AsymmetricKeyObject extends KeyObject {
    get asymmetricKeyType() {
      return host.ops.node_key_details(this[kHandle]).type;
    }
    get asymmetricKeyDetails() {
      const details = host.ops.node_key_details(this[kHandle]);
      if (details.type === "rsa" || details.type === "rsa-pss") {
        return { modulusLength: details.modulusLength, publicExponent: BigInt(`0x${details.publicExponent}`) };
      }
      if (details.type === "ec") return { namedCurve: details.namedCurve };
      return {};
    }
    // The key as a JWK: members from the native key, base64url here.
    #jwk() {
      const details = host.ops.node_key_details(this[kHandle]);
      const fields = host.ops.crypto_pkey_export_jwk(this[kHandle]);
      const members = {};
      for (const [name, value] of Object.entries(fields)) members[name] = b64url(new Uint8Array(value));
      if (details.type === "rsa") return { kty: "RSA", ...members };
      if (details.type === "ec") {
        const crv = CURVE_JWK[details.namedCurve];
        if (crv === undefined) throw makeError(Error, "ERR_CRYPTO_JWK_UNSUPPORTED_CURVE", `Unsupported JWK EC curve: ${details.namedCurve}.`);
        return { kty: "EC", crv, x: members.x, y: members.y, ...(members.d ? { d: members.d } : {}) };
      }
      if (details.type === "ed25519" || details.type === "x25519") {
        return { crv: details.type === "ed25519" ? "Ed25519" : "X25519", x: members.x, ...(members.d ? { d: members.d } : {}), kty: "OKP" };
      }
      throw makeError(TypeError, "ERR_CRYPTO_JWK_UNSUPPORTED_KEY_TYPE", "Unsupported JWK Key Type.");
    }
    export(options = undefined) {
      validateObject(options, "options");
      const { format = "pem", type, cipher, passphrase } = options;
      if (format === "jwk") return this.#jwk();
      if (format !== "pem" && format !== "der") throw invalidArgValue("options.format", format);
      const isPrivate = this.type === "private";
      const types = isPrivate ? ["pkcs1", "pkcs8", "sec1"] : ["pkcs1", "spki"];
      if (!types.includes(type)) throw invalidArgValue("options.type", type);
      if (cipher !== undefined && !isPrivate) throw invalidArgValue("options.cipher", cipher);
      if (cipher !== undefined && passphrase === undefined) {
        throw invalidArgValue("options.passphrase", passphrase);
      }
      if (cipher !== undefined && format === "der" && type !== "pkcs8") {
        throw makeError(Error, "ERR_CRYPTO_INCOMPATIBLE_KEY_OPTIONS", `The selected key encoding ${type} does not support encryption.`);
      }
      const kind = host.ops.node_key_details(this[kHandle]).type;
      if (type === "pkcs1" && kind !== "rsa") {
        throw makeError(Error, "ERR_CRYPTO_INCOMPATIBLE_KEY_OPTIONS", `The selected key encoding pkcs1 can only be used for RSA keys.`);
      }
      if (type === "sec1" && kind !== "ec") {
        throw makeError(Error, "ERR_CRYPTO_INCOMPATIBLE_KEY_OPTIONS", `The selected key encoding sec1 can only be used for EC keys.`);
      }
      const out = host.ops.node_key_export(this[kHandle], format, type, cipher, passphrase === undefined ? undefined : bytesOf(passphrase, undefined, "options.passphrase"));
      return format === "pem" ? Buffer.from(out).toString("latin1") : Buffer.from(out);
    }
  }

  class PublicKeyObject extends AsymmetricKeyObject {
    constructor(handle) {
      super("public", handle);
    }
  }

  class PrivateKeyObject extends AsymmetricKeyObject {
    constructor(handle) {
      super("private", handle);
    }
  }

  function createSecretKey(key, encoding = undefined) {
    if (key instanceof KeyObject) throw invalidArgType("key", ["ArrayBuffer", "Buffer", "TypedArray", "DataView", "string"], key);
    const bytes = bytesOf(key, encoding, "key");
    return new SecretKeyObject(host.ops.crypto_secret_import(bytes));
  }

  function jwkHandle(jwk, isPublic) {
    validateObject(jwk, "key.key");
    const fields = {};
    const take = (names) => {
      for (const name of names) {
        if (jwk[name] === undefined) continue;
        if (typeof jwk[name] !== "string") throw invalidArgType(`key.${name}`, "string", jwk[name]);
        fields[name] = fromB64url(jwk[name]);
      }
    };
    const fail = () => makeError(TypeError, "ERR_CRYPTO_INVALID_JWK", "Invalid JWK data");
    try {
      if (jwk.kty === "RSA") {
        take(isPublic ? ["n", "e"] : ["n", "e", "d", "p", "q", "dp", "dq", "qi"]);
        return host.ops.crypto_pkey_import_jwk("RSA", fields);
      }
      if (jwk.kty === "EC") {
        if (!["P-256", "P-384", "P-521"].includes(jwk.crv)) throw invalidArgValue("key.crv", jwk.crv, "must be one of: 'P-256', 'P-384', 'P-521'");
        take(isPublic ? ["x", "y"] : ["x", "y", "d"]);
        return host.ops.crypto_pkey_import_jwk("EC", fields, jwk.crv);
      }
      if (jwk.kty === "OKP") {
        if (!["Ed25519", "X25519"].includes(jwk.crv)) throw invalidArgValue("key.crv", jwk.crv, "must be one of: 'Ed25519', 'X25519'");
        take(isPublic ? ["x"] : ["x", "d"]);
        return host.ops.crypto_pkey_import_jwk("OKP", fields, jwk.crv);
      }
    } catch (error) {
      if (error.code) throw error;
      throw fail();
    }
    throw invalidArgValue("key.kty", jwk.kty, "must be one of: 'RSA', 'EC', 'OKP'");
  }

  // The native handle of an asymmetric key given as Node accepts one: PEM text, a
  // { key, format, type, passphrase, encoding } object, a KeyObject or a CryptoKey.
  function asymmetricHandle(input, wantPrivate, name = "key") {
    if (input instanceof KeyObject) {
      if (input.type === "secret") throw invalidKeyType(input.type, wantPrivate ? "private" : "public");
      if (wantPrivate && input.type !== "private") throw invalidKeyType(input.type, "private");
      return input[kHandle];
    }
    if (host.cryptoKeys?.isCryptoKey(input)) return asymmetricHandle(KeyObject.from(input), wantPrivate, name);
    let options = { key: input, format: "pem" };
    if (input !== null && typeof input === "object" && !ArrayBuffer.isView(input) && !(input instanceof ArrayBuffer)) {
      options = input;
      if (options.key instanceof KeyObject || host.cryptoKeys?.isCryptoKey(options.key)) return asymmetricHandle(options.key, wantPrivate, name);
    }
    const { key, format = "pem", type, passphrase, encoding } = options;
    if (format === "jwk") return jwkHandle(key, !wantPrivate);
    if (format !== "pem" && format !== "der") throw invalidArgValue(`${name}.format`, format);
    if (typeof key !== "string" && !ArrayBuffer.isView(key) && !(key instanceof ArrayBuffer)) {
      throw invalidArgType(name === "key" && options === input ? "key.key" : name, ["string", "ArrayBuffer", "Buffer", "TypedArray", "DataView"], key);
    }
    if (format === "der" && type === undefined) throw invalidArgValue(`${name}.type`, type);
    const data = bytesOf(key, encoding, "key");
    const made = host.ops.node_key_parse(wantPrivate, format, type ?? "", data, passphrase === undefined || passphrase === null ? undefined : bytesOf(passphrase, encoding, "passphrase"));
    if (made === "passphrase") {
      if (passphrase === undefined) throw makeError(TypeError, "ERR_MISSING_PASSPHRASE", "Passphrase required for encrypted key");
      throw makeError(Error, "ERR_OSSL_BAD_DECRYPT", "error:1C800064:Provider routines::bad decrypt");
    }
    if (typeof made === "string") {
      throw makeError(Error, "ERR_OSSL_UNSUPPORTED", "error:1E08010C:DECODER routines::unsupported");
    }
    return made;
  }

  function invalidKeyType(actual, expected) {
    return makeError(TypeError, "ERR_CRYPTO_INVALID_KEY_OBJECT_TYPE", `Invalid key object type ${actual}, expected ${expected}.`);
  }

  function createPublicKey(key) {
    if (key instanceof KeyObject && key.type === "private") {
      return new PublicKeyObject(host.ops.node_key_parse(false, "der", "spki", host.ops.node_key_export(key[kHandle], "der", "spki")));
    }
    if (key instanceof KeyObject && key.type === "public") return key;
    if (typeof key === "object" && key !== null && key.key instanceof KeyObject) return createPublicKey(key.key);
    return new PublicKeyObject(asymmetricHandle(key, false));
  }

  function createPrivateKey(key) {
    if (key instanceof KeyObject) throw invalidArgType("key", ["string", "ArrayBuffer", "Buffer", "TypedArray", "DataView", "Object"], key);
    return new PrivateKeyObject(asymmetricHandle(key, true));
  }

  // The pair as Node returns it: KeyObjects, or each exported by its encoding options.
  function encodePair(privateHandle, publicHandle, options) {
    const publicKey = new PublicKeyObject(publicHandle);
    const privateKey = new PrivateKeyObject(privateHandle);
    const pubEnc = options?.publicKeyEncoding;
    const privEnc = options?.privateKeyEncoding;
    return {
      publicKey: pubEnc === undefined ? publicKey : publicKey.export(pubEnc),
      privateKey: privEnc === undefined ? privateKey : privateKey.export(privEnc),
    };
  }

  // The native generator's arguments for `type` and `options`, checked as Node does.
  function keySpec(type, options) {
    validateString(type, "type");
    if (options !== undefined) validateObject(options, "options");
    switch (type) {
      case "rsa": {
        const { modulusLength, publicExponent = 0x10001 } = options ?? {};
        if (!Number.isInteger(modulusLength) || modulusLength < 0) throw invalidArgType("options.modulusLength", "number", modulusLength);
        if (!Number.isInteger(publicExponent) || publicExponent < 0) throw invalidArgType("options.publicExponent", "number", publicExponent);
        const exponent = [];
        for (let e = publicExponent; e > 0; e = Math.floor(e / 256)) exponent.unshift(e % 256);
        return ["RSA", modulusLength, new Uint8Array(exponent)];
      }
      case "ec": {
        const namedCurve = options?.namedCurve;
        validateString(namedCurve, "options.namedCurve");
        return ["EC", namedCurve];
      }
      case "ed25519":
      case "x25519":
      case "ed448":
      case "x448":
        return [type.toUpperCase()];
      default:
        if (["rsa-pss", "dsa", "dh"].includes(type)) {
          throw makeError(Error, "ERR_FEATURE_UNAVAILABLE_ON_PLATFORM", `crypto.generateKeyPair: key type '${type}' is not supported by this runtime`);
        }
        throw invalidArgValue("type", type, "must be a supported key type");
    }
  }

  function generateKeyPairSync(type, options = undefined) {
    const pair = host.ops.node_key_generate(...keySpec(type, options));
    return encodePair(pair[0], pair[1], options);
  }

  // The callback form: the key is made on the runtime's offload threads
  // (OpHost::offload), so an RSA key does not hold the worker's loop.
  function generateKeyPair(type, options, callback) {
    if (typeof options === "function") [options, callback] = [undefined, options];
    validateFunction(callback, "callback");
    const spec = keySpec(type, options);
    host.ops.node_key_generate_async(...spec).then(
      (pair) => {
        let encoded;
        try {
          encoded = encodePair(pair[0], pair[1], options);
        } catch (error) {
          nextTick(callback, error);
          return;
        }
        nextTick(callback, null, encoded.publicKey, encoded.privateKey);
      },
      (error) => nextTick(callback, error),
    );
  }

  // util.promisify(generateKeyPair) resolves with { publicKey, privateKey }, as in Node.
  Object.defineProperty(generateKeyPair, Symbol.for("nodejs.util.promisify.custom"), {
    value: (type, options) =>
      new Promise((resolve, reject) =>
        generateKeyPair(type, options, (error, publicKey, privateKey) => (error ? reject(error) : resolve({ publicKey, privateKey })))
      ),
  });

  function generateKeySync(type, options) {
    validateString(type, "type");
    validateObject(options, "options");
    const { length } = options;
    if (type === "hmac") {
      if (!Number.isInteger(length) || length < 8 || length > 2 ** 31 - 1) throw invalidArgValue("options.length", length, "must be >= 8 && <= 2147483647");
      return new SecretKeyObject(host.ops.crypto_secret_generate(Math.floor(length / 8)));
    }
    if (type === "aes") {
      if (![128, 192, 256].includes(length)) throw invalidArgValue("options.length", length, "must be one of: 128, 192, 256");
      return new SecretKeyObject(host.ops.crypto_secret_generate(length / 8));
    }
    throw invalidArgValue("type", type, "must be a supported key type");
  }

  function generateKey(type, options, callback) {
    validateFunction(callback, "callback");
    const key = generateKeySync(type, options);
    nextTick(callback, null, key);
  }

  // The bytes of a secret given as Node accepts one (cipher keys, HMAC, HKDF's ikm).
  function secretBytes(key, encoding, name) {
    if (key instanceof KeyObject) {
      if (key.type !== "secret") throw invalidKeyType(key.type, "secret");
      return new Uint8Array(host.ops.crypto_secret_export(key[kHandle]));
    }
    if (host.cryptoKeys?.isCryptoKey(key)) return secretBytes(KeyObject.from(key), encoding, name);
    return bytesOf(key, encoding, name);
  }

  const handleOf = (keyObject) => keyObject[kHandle];

  return {
    KeyObject,
    SecretKeyObject,
    PublicKeyObject,
    PrivateKeyObject,
    createSecretKey,
    createPublicKey,
    createPrivateKey,
    generateKeyPair,
    generateKeyPairSync,
    generateKey,
    generateKeySync,
    asymmetricHandle,
    secretBytes,
    handleOf,
  };
}
