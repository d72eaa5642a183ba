// crypto.getRandomValues / crypto.randomUUID / crypto.subtle (Web Crypto).
import { DOMException } from "./domexception.js";
import { ops } from "./ops.js";
import { subtle } from "./subtle.js";
import { ILLEGAL, enumerable, illegalConstructor, setToStringTag } from "./util.js";

const TypedArray = Object.getPrototypeOf(Uint8Array);
const tagOf = Object.getOwnPropertyDescriptor(TypedArray.prototype, Symbol.toStringTag).get;
const INTEGER_TYPES = new Set([
  "Int8Array", "Uint8Array", "Uint8ClampedArray", "Int16Array", "Uint16Array", "Int32Array",
  "Uint32Array", "BigInt64Array", "BigUint64Array",
]);

export class Crypto {
  constructor(key) {
    if (key !== ILLEGAL) throw illegalConstructor();
  }

  getRandomValues(array) {
    if (!(this instanceof Crypto)) throw new TypeError("Illegal invocation");
    if (arguments.length < 1) {
      throw new TypeError("Failed to execute 'getRandomValues' on 'Crypto': 1 argument required, but only 0 present.");
    }
    const tag = ArrayBuffer.isView(array) ? tagOf.call(array) : undefined;
    if (tag === undefined) {
      throw new TypeError(
        "Failed to execute 'getRandomValues' on 'Crypto': parameter 1 is not of type 'ArrayBufferView'.",
      );
    }
    if (!INTEGER_TYPES.has(tag)) {
      throw new DOMException(
        `The provided ArrayBufferView is of type '${tag}', which is not an integer array type.`,
        "TypeMismatchError",
      );
    }
    if (array.byteLength > 65536) {
      throw new DOMException(
        `The ArrayBufferView's byte length (${array.byteLength}) exceeds the number of bytes of entropy available via this API (65536)`,
        "QuotaExceededError",
      );
    }
    ops.random_fill(array);
    return array;
  }

  randomUUID() {
    if (!(this instanceof Crypto)) throw new TypeError("Illegal invocation");
    return ops.random_uuid();
  }

  get subtle() {
    if (!(this instanceof Crypto)) throw new TypeError("Illegal invocation");
    return subtle;
  }
}
setToStringTag(Crypto, "Crypto");
enumerable(Crypto, ["getRandomValues", "randomUUID", "subtle"]);

export const crypto = new Crypto(ILLEGAL);
