// ES2023+ built-ins that Deno code commonly uses and V8 10.2 lacks. Each one is
// defined only when missing, non-enumerable like the built-ins. (V8 10.2 has findLast and
// findLastIndex: it installs them when a context is deserialised, see snapshot_prelude.js.)
import { relIndex, toIntegerOrInfinity } from "./util.js";

function def(obj, name, fn) {
  if (obj && !Object.prototype.hasOwnProperty.call(obj, name)) {
    Object.defineProperty(obj, name, { value: fn, writable: true, enumerable: false, configurable: true });
  }
}


function checkComparator(cmp) {
  if (cmp !== undefined && typeof cmp !== "function") {
    throw new TypeError("The comparison function must be either a function or undefined");
  }
}

// ---- Array.prototype
const AP = Array.prototype;
def(AP, "toReversed", function toReversed() {
  const o = Object(this);
  const len = Math.min(Math.max(toIntegerOrInfinity(o.length), 0), Number.MAX_SAFE_INTEGER);
  const a = new Array(len);
  for (let i = 0; i < len; i++) a[i] = o[len - 1 - i];
  return a;
});
def(AP, "toSorted", function toSorted(compareFn = undefined) {
  checkComparator(compareFn);
  const o = Object(this);
  const len = Math.min(Math.max(toIntegerOrInfinity(o.length), 0), Number.MAX_SAFE_INTEGER);
  const a = new Array(len);
  for (let i = 0; i < len; i++) a[i] = o[i];
  return a.sort(compareFn);
});
def(AP, "toSpliced", function toSpliced(start, skipCount, ...items) {
  const o = Object(this);
  const len = Math.min(Math.max(toIntegerOrInfinity(o.length), 0), Number.MAX_SAFE_INTEGER);
  const actualStart = relIndex(toIntegerOrInfinity(start), len);
  let skip;
  if (arguments.length === 0) skip = 0;
  else if (arguments.length === 1) skip = len - actualStart;
  else skip = Math.min(Math.max(toIntegerOrInfinity(skipCount), 0), len - actualStart);
  const newLen = len + items.length - skip;
  if (newLen > Number.MAX_SAFE_INTEGER) throw new TypeError("Invalid array length");
  const a = new Array(newLen);
  let k = 0;
  for (let i = 0; i < actualStart; i++) a[k++] = o[i];
  for (const it of items) a[k++] = it;
  for (let i = actualStart + skip; i < len; i++) a[k++] = o[i];
  return a;
});
def(AP, "with", function (index, value) {
  const o = Object(this);
  const len = Math.min(Math.max(toIntegerOrInfinity(o.length), 0), Number.MAX_SAFE_INTEGER);
  const rel = toIntegerOrInfinity(index);
  const actual = rel >= 0 ? rel : len + rel;
  if (actual >= len || actual < 0) throw new RangeError("Invalid index : " + index);
  const a = new Array(len);
  for (let i = 0; i < len; i++) a[i] = i === actual ? value : o[i];
  return a;
});
if (AP[Symbol.unscopables]) {
  for (const n of ["toReversed", "toSorted", "toSpliced"]) {
    AP[Symbol.unscopables][n] = true;
  }
}

// ---- %TypedArray%.prototype
const TA = Object.getPrototypeOf(Uint8Array);
const TAP = TA.prototype;
const taLength = Object.getOwnPropertyDescriptor(TAP, "length").get;
function taCreateSame(ta, len) {
  return new ta.constructor(len);
}
def(TAP, "toReversed", function toReversed() {
  const len = taLength.call(this);
  const a = taCreateSame(this, len);
  for (let i = 0; i < len; i++) a[i] = this[len - 1 - i];
  return a;
});
def(TAP, "toSorted", function toSorted(compareFn = undefined) {
  checkComparator(compareFn);
  const len = taLength.call(this);
  const a = taCreateSame(this, len);
  a.set(this);
  return a.sort(compareFn);
});
def(TAP, "with", function (index, value) {
  const len = taLength.call(this);
  const rel = toIntegerOrInfinity(index);
  const actual = rel >= 0 ? rel : len + rel;
  const v = typeof this[0] === "bigint" || this instanceof BigInt64Array || this instanceof BigUint64Array
    ? BigInt(value)
    : Number(value);
  if (actual >= len || actual < 0) throw new RangeError("Invalid typed array index");
  const a = taCreateSame(this, len);
  a.set(this);
  a[actual] = v;
  return a;
});

// ---- Object.groupBy / Map.groupBy
function groupBy(items, callback, toMap) {
  if (typeof callback !== "function") throw new TypeError("callback is not a function");
  const groups = toMap ? new Map() : Object.create(null);
  let k = 0;
  for (const item of items) {
    let key = callback(item, k++);
    if (toMap) {
      if (Object.is(key, -0)) key = 0;
      const g = groups.get(key);
      if (g) g.push(item);
      else groups.set(key, [item]);
    } else {
      key = typeof key === "symbol" ? key : String(key);
      (groups[key] ??= []).push(item);
    }
  }
  return groups;
}
def(Object, "groupBy", function groupBy_(items, callback) {
  return groupBy(items, callback, false);
});
Object.defineProperty(Object.groupBy, "name", { value: "groupBy" });
def(Map, "groupBy", function groupBy_(items, callback) {
  return groupBy(items, callback, true);
});
Object.defineProperty(Map.groupBy, "name", { value: "groupBy" });

// ---- Promise.withResolvers
def(Promise, "withResolvers", function withResolvers() {
  let resolve;
  let reject;
  const promise = new this((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
});

// ---- Array.fromAsync
def(Array, "fromAsync", async function fromAsync(items, mapFn = undefined, thisArg = undefined) {
  if (mapFn !== undefined && typeof mapFn !== "function") throw new TypeError("mapFn is not a function");
  const C = typeof this === "function" ? this : Array;
  const out = C === Array ? [] : new C();
  let k = 0;
  if (items == null) throw new TypeError("Array.fromAsync requires an array-like or iterable");
  if (typeof items[Symbol.asyncIterator] === "function") {
    for await (const v of items) out[k] = mapFn ? await mapFn.call(thisArg, v, k) : v, k++;
  } else if (typeof items[Symbol.iterator] === "function") {
    for (const v0 of items) {
      const v = await v0;
      out[k] = mapFn ? await mapFn.call(thisArg, v, k) : v;
      k++;
    }
  } else {
    const o = Object(items);
    const len = o.length >>> 0;
    for (; k < len; k++) {
      const v = await o[k];
      out[k] = mapFn ? await mapFn.call(thisArg, v, k) : v;
    }
  }
  out.length = k;
  return out;
});

// ---- String.prototype.isWellFormed / toWellFormed
const LONE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;
const LONE_G = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;
def(String.prototype, "isWellFormed", function isWellFormed() {
  if (this == null) throw new TypeError("String.prototype.isWellFormed called on null or undefined");
  return !LONE.test(String(this));
});
def(String.prototype, "toWellFormed", function toWellFormed() {
  if (this == null) throw new TypeError("String.prototype.toWellFormed called on null or undefined");
  return String(this).replace(LONE_G, "\uFFFD");
});

// ---- Set methods
function getSetRecord(other) {
  if (other === null || typeof other !== "object") {
    throw new TypeError("The 'other' argument must be set-like");
  }
  const size = Number(other.size);
  if (Number.isNaN(size)) throw new TypeError("The 'other' argument must have a numeric size");
  const has = other.has;
  const keys = other.keys;
  if (typeof has !== "function") throw new TypeError("The 'other' argument must have a has method");
  if (typeof keys !== "function") throw new TypeError("The 'other' argument must have a keys method");
  return {
    size: toIntegerOrInfinity(size),
    has: (v) => !!has.call(other, v),
    *keys() {
      const it = keys.call(other);
      for (;;) {
        const r = it.next();
        if (r.done) return;
        yield r.value;
      }
    },
  };
}
function thisSet(s, name) {
  if (!(s instanceof Set)) throw new TypeError(`Method Set.prototype.${name} called on incompatible receiver`);
  return s;
}
const SP = Set.prototype;
def(SP, "union", function union(other) {
  const s = thisSet(this, "union");
  const r = getSetRecord(other);
  const out = new Set(s);
  for (const v of r.keys()) out.add(v);
  return out;
});
def(SP, "intersection", function intersection(other) {
  const s = thisSet(this, "intersection");
  const r = getSetRecord(other);
  const out = new Set();
  if (s.size <= r.size) {
    for (const v of [...s]) if (r.has(v)) out.add(v);
  } else {
    for (const v of r.keys()) if (s.has(v)) out.add(v);
  }
  return out;
});
def(SP, "difference", function difference(other) {
  const s = thisSet(this, "difference");
  const r = getSetRecord(other);
  const out = new Set(s);
  if (s.size <= r.size) {
    for (const v of s) if (r.has(v)) out.delete(v);
  } else {
    for (const v of r.keys()) out.delete(v);
  }
  return out;
});
def(SP, "symmetricDifference", function symmetricDifference(other) {
  const s = thisSet(this, "symmetricDifference");
  const r = getSetRecord(other);
  const out = new Set(s);
  for (const v of r.keys()) {
    if (s.has(v)) out.delete(v);
    else out.add(v);
  }
  return out;
});
def(SP, "isSubsetOf", function isSubsetOf(other) {
  const s = thisSet(this, "isSubsetOf");
  const r = getSetRecord(other);
  if (s.size > r.size) return false;
  for (const v of s) if (!r.has(v)) return false;
  return true;
});
def(SP, "isSupersetOf", function isSupersetOf(other) {
  const s = thisSet(this, "isSupersetOf");
  const r = getSetRecord(other);
  if (s.size < r.size) return false;
  for (const v of r.keys()) if (!s.has(v)) return false;
  return true;
});
def(SP, "isDisjointFrom", function isDisjointFrom(other) {
  const s = thisSet(this, "isDisjointFrom");
  const r = getSetRecord(other);
  if (s.size <= r.size) {
    for (const v of s) if (r.has(v)) return false;
  } else {
    for (const v of r.keys()) if (s.has(v)) return false;
  }
  return true;
});

// ---- Explicit resource management: the well-known symbols that `using` / `await using`
// (lowered by TypeScript) look up. Like the other well-known symbols they are
// non-writable and non-configurable.
for (const name of ["dispose", "asyncDispose"]) {
  if (typeof Symbol[name] !== "symbol") {
    Object.defineProperty(Symbol, name, {
      value: Symbol(`Symbol.${name}`),
      writable: false,
      enumerable: false,
      configurable: false,
    });
  }
}
