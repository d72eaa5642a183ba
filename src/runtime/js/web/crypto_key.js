// CryptoKey (https://w3c.github.io/webcrypto/#cryptokey-interface). The key material stays
// in C++: a key holds an opaque native handle (api/crypto_key.hpp) that only this runtime's
// SubtleCrypto can read, through `keyHandle`. A key is serializable, as in Deno: it is a
// host object (structured_clone.js `cloneableObject`) whose clone is a new CryptoKey over
// the same handle with copies of the algorithm and usages, so structuredClone and
// postMessage copy it.
import { ILLEGAL, enumerable, illegalConstructor, setToStringTag } from "./util.js";
import { cloneableObject, structuredClone } from "./structured_clone.js";

let typeOf;
let extractableOf;
let algorithmOf;
let usagesOf;
let handleOf;
let isKey;
let finishCopy;

// Returns the object it is given, so that a subclass's private fields land on it: the
// key's fields are stamped onto the host object, which keeps CryptoKey's own prototype
// chain as plain as Deno's.
class Stamp {
  constructor(target) {
    return target;
  }
}

class KeyFields extends Stamp {
  #type;
  #extractable;
  #algorithm;
  #usages;
  #handle;

  constructor(target, type, extractable, algorithm, usages, handle) {
    super(target);
    this.#type = type;
    this.#extractable = extractable;
    this.#algorithm = algorithm;
    this.#usages = usages;
    this.#handle = handle;
  }

  static {
    typeOf = (key) => key.#type;
    extractableOf = (key) => key.#extractable;
    algorithmOf = (key) => key.#algorithm;
    usagesOf = (key) => key.#usages;
    handleOf = (key) => key.#handle;
    isKey = (value) => #handle in value;
    finishCopy = (copy) => {
      copy.#algorithm = structuredClone(copy.#algorithm);
      copy.#usages = [...copy.#usages];
    };
  }
}

export class CryptoKey {
  constructor(key) {
    if (key !== ILLEGAL) throw illegalConstructor();
  }

  get type() {
    return typeOf(this);
  }

  get extractable() {
    return extractableOf(this);
  }

  get algorithm() {
    return algorithmOf(this);
  }

  get usages() {
    return usagesOf(this);
  }

  [Symbol.for("Deno.customInspect")](inspect, options) {
    return `CryptoKey ${inspect({
      type: typeOf(this),
      extractable: extractableOf(this),
      algorithm: algorithmOf(this),
      usages: usagesOf(this),
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
  const key = cloneableObject(CryptoKey.prototype, finishCopy);
  new KeyFields(key, type, extractable, algorithm, [...usages], handle);
  return key;
}
