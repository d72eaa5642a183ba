// While V8 builds a snapshot it leaves out the features it installs only when a
// context is deserialised (V8 10.2: Object.hasOwn, Array/String/TypedArray `at`,
// `findLast`/`findLastIndex`, SharedArrayBuffer, Atomics, WebAssembly). Libraries we
// bundle use some of them as they load, so stand-ins fill the gap during the build;
// removeStandIns() deletes them (and any polyfill of the same names) afterwards, so
// that every worker gets V8's real ones.
const TypedArray = Object.getPrototypeOf(Uint8Array);

function at(index) {
  const length = this.length;
  let i = Math.trunc(index) || 0;
  if (i < 0) i += length;
  return i < 0 || i >= length ? undefined : this[i];
}

function findLast(predicate, thisArg) {
  for (let i = this.length - 1; i >= 0; i--) {
    if (predicate.call(thisArg, this[i], i, this)) return this[i];
  }
  return undefined;
}

function findLastIndex(predicate, thisArg) {
  for (let i = this.length - 1; i >= 0; i--) {
    if (predicate.call(thisArg, this[i], i, this)) return i;
  }
  return -1;
}

const standIns = [
  [Object, "hasOwn", (object, key) => Object.prototype.hasOwnProperty.call(object, key)],
  [Array.prototype, "at", at],
  [String.prototype, "at", at],
  [TypedArray.prototype, "at", at],
  [Array.prototype, "findLast", findLast],
  [Array.prototype, "findLastIndex", findLastIndex],
  [TypedArray.prototype, "findLast", findLast],
  [TypedArray.prototype, "findLastIndex", findLastIndex],
  [globalThis, "SharedArrayBuffer", class SharedArrayBuffer {
    get byteLength() { return 0; }
    get growable() { return false; }
  }],
];

const installed = [];
for (const [target, name, value] of standIns) {
  if (!Object.prototype.hasOwnProperty.call(target, name)) {
    Object.defineProperty(target, name, { value, writable: true, configurable: true });
    installed.push([target, name]);
  }
}

export function removeStandIns() {
  for (const [target, name] of installed) delete target[name];
}
