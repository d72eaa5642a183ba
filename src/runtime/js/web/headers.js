// Headers (Fetch). Names are stored lower-cased; the list keeps insertion order.
import { defineIterable } from "./iterators.js";
import { enumerable, requiredArgs, setToStringTag } from "./util.js";
import { ArrayPrototypePush } from "../primordials.js";
import { ops } from "./ops.js";

const ObjectHasOwn = Object.hasOwn;

// RFC 9110 token
const TOKEN = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;
// leading/trailing HTTP whitespace
const HTTP_WS = /^[\t\n\r ]+|[\t\n\r ]+$/g;
const INVALID_VALUE = /[\0\r\n]/;

export function isValidHeaderName(name) {
  return TOKEN.test(name);
}

export function normalizeHeaderValue(value) {
  return value.replace(HTTP_WS, "");
}

function checkName(name) {
  const n = String(name);
  if (!TOKEN.test(n)) throw new TypeError(`Header name is not valid: "${n}"`);
  return n.toLowerCase();
}

function checkValue(value) {
  const v = String(value);
  for (let i = 0; i < v.length; i++) {
    if (v.charCodeAt(i) > 255) throw new TypeError(`Header value is not a valid ByteString: "${v}"`);
  }
  const n = v.replace(HTTP_WS, "");
  if (INVALID_VALUE.test(n)) throw new TypeError(`Header value is not valid: "${n}"`);
  return n;
}

const INTERNAL = Symbol("internal");
let internals;

export class Headers {
  // Flat list [name, value, name, value, ...], or null while `#lazy` holds the
  // native flat array that has not been validated/copied yet.
  #list;
  #lazy = null;
  #guard = "none";

  static {
    internals = {
      list(h) {
        if (h.#lazy !== null) h.#materialize();
        return h.#list;
      },
      setGuard(h, g) {
        h.#guard = g;
      },
      guard(h) {
        return h.#guard;
      },
      // Trusted flat [name, value, ...] list (names need not be lower-case): no
      // validation, the copy happens on first use.
      fromNative(flat, guard) {
        const h = new Headers(INTERNAL);
        h.#list = null;
        h.#lazy = flat;
        h.#guard = guard;
        return h;
      },
      fromList(list, guard) {
        const h = new Headers(INTERNAL);
        h.#list = list;
        h.#guard = guard;
        return h;
      },
      // Raw flat list without forcing a copy when untouched.
      rawFlat(h) {
        return h.#lazy !== null ? h.#lazy : h.#list;
      },
    };
  }

  #materialize() {
    const flat = this.#lazy;
    this.#lazy = null;
    const list = new Array(flat.length);
    for (let i = 0; i < flat.length; i += 2) {
      list[i] = String(flat[i]).toLowerCase();
      list[i + 1] = String(flat[i + 1]);
    }
    this.#list = list;
  }

  constructor(init = undefined) {
    this.#list = [];
    if (init === INTERNAL) return;
    if (init !== undefined) fillHeaders(this, init);
  }

  append(name, value) {
    requiredArgs(arguments.length, 2, "Failed to execute 'append' on 'Headers'");
    appendHeader(this, name, value);
  }

  delete(name) {
    requiredArgs(arguments.length, 1, "Failed to execute 'delete' on 'Headers'");
    const n = checkName(name);
    this.#checkMutable();
    const list = internals.list(this);
    for (let i = list.length - 2; i >= 0; i -= 2) {
      if (list[i] === n) list.splice(i, 2);
    }
  }

  get(name) {
    requiredArgs(arguments.length, 1, "Failed to execute 'get' on 'Headers'");
    const n = checkName(name);
    return getHeader(internals.list(this), n);
  }

  getSetCookie() {
    const list = internals.list(this);
    const out = [];
    for (let i = 0; i < list.length; i += 2) if (list[i] === "set-cookie") ArrayPrototypePush(out, list[i + 1]);
    return out;
  }

  has(name) {
    requiredArgs(arguments.length, 1, "Failed to execute 'has' on 'Headers'");
    const n = checkName(name);
    const list = internals.list(this);
    for (let i = 0; i < list.length; i += 2) if (list[i] === n) return true;
    return false;
  }

  set(name, value) {
    requiredArgs(arguments.length, 2, "Failed to execute 'set' on 'Headers'");
    const n = checkName(name);
    const v = checkValue(value);
    this.#checkMutable();
    const list = internals.list(this);
    let found = false;
    for (let i = 0; i < list.length; ) {
      if (list[i] === n) {
        if (!found) {
          list[i + 1] = v;
          found = true;
          i += 2;
        } else {
          list.splice(i, 2);
        }
      } else {
        i += 2;
      }
    }
    if (!found) ArrayPrototypePush(list, n, v);
  }

  #checkMutable() {
    if (this.#guard === "immutable") throw new TypeError("Headers are immutable.");
  }
}
setToStringTag(Headers, "Headers");
enumerable(Headers, ["append", "delete", "get", "getSetCookie", "has", "set"]);
defineIterable(Headers, "Headers", (h) => sortAndCombine(internals.list(h)));

export function getHeader(list, lowerName) {
  let out = null;
  for (let i = 0; i < list.length; i += 2) {
    if (list[i] === lowerName) out = out === null ? list[i + 1] : `${out}, ${list[i + 1]}`;
  }
  return out;
}

function sortAndCombine(list) {
  const names = [];
  const seen = new Set();
  for (let i = 0; i < list.length; i += 2) {
    if (!seen.has(list[i])) {
      seen.add(list[i]);
      ArrayPrototypePush(names, list[i]);
    }
  }
  names.sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  const out = [];
  for (const n of names) {
    if (n === "set-cookie") {
      for (let i = 0; i < list.length; i += 2) if (list[i] === n) ArrayPrototypePush(out, [n, list[i + 1]]);
    } else {
      ArrayPrototypePush(out, [n, getHeader(list, n)]);
    }
  }
  return out;
}

export function appendHeader(h, name, value) {
  const n = checkName(name);
  const v = checkValue(value);
  if (internals.guard(h) === "immutable") throw new TypeError("Headers are immutable.");
  ArrayPrototypePush(internals.list(h), n, v);
}

export function fillHeaders(h, init) {
  if (init === null || (typeof init !== "object" && typeof init !== "function")) {
    throw new TypeError(
      "Failed to construct 'Headers': The provided value is not of type '(record<ByteString, ByteString> or sequence<sequence<ByteString>>)'.",
    );
  }
  if (init instanceof Headers) {
    const src = internals.list(init);
    for (let i = 0; i < src.length; i += 2) appendHeader(h, src[i], src[i + 1]);
    return;
  }
  if (typeof init[Symbol.iterator] === "function") {
    for (const pair of init) {
      if (pair === null || typeof pair !== "object" || typeof pair[Symbol.iterator] !== "function") {
        throw new TypeError("Failed to construct 'Headers': The provided value cannot be converted to a sequence.");
      }
      const arr = Array.from(pair);
      if (arr.length !== 2) {
        throw new TypeError("Failed to construct 'Headers': a header pair must contain exactly two items.");
      }
      appendHeader(h, arr[0], arr[1]);
    }
    return;
  }
  if (!ops.is_proxy(init)) {
    // Deno's fast path for a record that is no Proxy: for-in gives the enumerable string
    // keys in the same order without a descriptor object per key (symbol keys are skipped).
    for (const key in init) {
      if (ObjectHasOwn(init, key)) appendHeader(h, key, init[key]);
    }
    return;
  }
  for (const key of Reflect.ownKeys(init)) {
    const d = Reflect.getOwnPropertyDescriptor(init, key);
    if (d === undefined || !d.enumerable) continue;
    if (typeof key === "symbol") throw new TypeError("Cannot convert a Symbol value to a string");
    appendHeader(h, key, init[key]);
  }
}

export const headersInternals = {
  list: (h) => internals.list(h),
  setGuard: (h, g) => internals.setGuard(h, g),
  guard: (h) => internals.guard(h),
  fromNative: (flat, guard) => internals.fromNative(flat, guard),
  fromList: (list, guard) => internals.fromList(list, guard),
  rawFlat: (h) => internals.rawFlat(h),
};
