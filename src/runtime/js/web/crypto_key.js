// CryptoKey (https://w3c.github.io/webcrypto/#cryptokey-interface). The key material stays
// in C++: a key holds an opaque native handle (api/crypto_key.hpp) that only this runtime's
// SubtleCrypto can read, through `keyHandle`.
import { ILLEGAL, enumerable, illegalConstructor, setToStringTag } from "./util.js";

let handleOf;
let isKey;

export class CryptoKey {
  #type;
  #extractable;
  #algorithm;
  #usages;
  #handle;

  constructor(key, type, extractable, algorithm, usages, handle) {
    if (key !== ILLEGAL) throw illegalConstructor();
    this.#type = type;
    this.#extractable = extractable;
    this.#algorithm = algorithm;
    this.#usages = usages;
    this.#handle = handle;
  }

  get type() {
    return this.#type;
  }

  get extractable() {
    return this.#extractable;
  }

  get algorithm() {
    return this.#algorithm;
  }

  get usages() {
    return this.#usages;
  }

  static {
    handleOf = (key) => key.#handle;
    isKey = (value) => #handle in value;
  }

  [Symbol.for("Deno.customInspect")](inspect, options) {
    return `CryptoKey ${inspect({
      type: this.#type,
      extractable: this.#extractable,
      algorithm: this.#algorithm,
      usages: this.#usages,
    }, options)}`;
  }
}
setToStringTag(CryptoKey, "CryptoKey");
enumerable(CryptoKey, ["type", "extractable", "algorithm", "usages"]);

// Whether `value` is a real CryptoKey (its private fields exist).
export function isCryptoKey(value) {
  return value !== null && typeof value === "object" && isKey(value);
}

export function keyHandle(key) {
  return handleOf(key);
}

// A key made by SubtleCrypto; `usages` is copied into a frozen-by-convention array.
export function newCryptoKey(type, extractable, algorithm, usages, handle) {
  return new CryptoKey(ILLEGAL, type, extractable, algorithm, [...usages], handle);
}
