// structuredClone (HTML) over V8's ValueSerializer.
import { DOMException } from "./domexception.js";
import { ops } from "./ops.js";

export function structuredClone(value, options = undefined) {
  if (arguments.length < 1) {
    throw new TypeError("Failed to execute 'structuredClone': 1 argument required, but only 0 present.");
  }
  if (options !== undefined && options !== null) {
    if (typeof options !== "object") {
      throw new TypeError("Failed to execute 'structuredClone': options is not an object");
    }
    const transfer = options.transfer;
    if (transfer !== undefined) {
      if (transfer === null || typeof transfer !== "object" || typeof transfer[Symbol.iterator] !== "function") {
        throw new TypeError("Failed to execute 'structuredClone': transfer is not iterable");
      }
      const seen = new Set();
      for (const t of transfer) {
        if (!(t instanceof ArrayBuffer)) {
          throw new DOMException("Value not transferable", "DataCloneError");
        }
        if (seen.has(t)) {
          throw new DOMException("ArrayBuffer is listed twice in the transfer list", "DataCloneError");
        }
        seen.add(t);
      }
    }
  }
  let transferList = [];
  if (options?.transfer !== undefined) transferList = [...options.transfer];
  try {
    return ops.structured_clone(value, transferList);
  } catch (e) {
    if (e instanceof Error && typeof e.message === "string" && e.message.startsWith("DataCloneError: ")) {
      throw new DOMException(e.message.slice(16), "DataCloneError");
    }
    throw e;
  }
}

// A platform object that structuredClone and postMessage copy (CryptoKey): a host object
// for V8's serializer, with `prototype`. Its copy starts as a shallow one (same prototype
// and private fields) and is handed to `finish(copy)` to stop sharing what it must not.
let hostConstructor;
export function cloneableObject(prototype, finish) {
  hostConstructor ??= ops.cloneable_constructor();
  return ops.cloneable_object(hostConstructor, prototype, finish);
}
