// Web IDL iterable<K, V> support: iterator objects with the right toStringTag.
const IteratorPrototype = Object.getPrototypeOf(Object.getPrototypeOf([][Symbol.iterator]()));

const protos = new Map();

// Returns an iterator over the array `items` (computed once, at creation) mapping
// each item with `kind`: "key" | "value" | "key+value" (items are [k, v] pairs).
export function makeIterator(name, items, kind) {
  let proto = protos.get(name);
  if (!proto) {
    proto = Object.create(IteratorPrototype, {
      next: {
        value: function next() {
          const s = this._state;
          if (!s || s.index >= s.items.length) {
            if (s) s.items = [];
            return { value: undefined, done: true };
          }
          const item = s.items[s.index++];
          const value = s.kind === "key" ? item[0] : s.kind === "value" ? item[1] : [item[0], item[1]];
          return { value, done: false };
        },
        writable: true,
        enumerable: true,
        configurable: true,
      },
      [Symbol.toStringTag]: { value: `${name} Iterator`, configurable: true },
    });
    protos.set(name, proto);
  }
  const it = Object.create(proto);
  Object.defineProperty(it, "_state", { value: { items, index: 0, kind }, writable: true });
  return it;
}

// Adds keys/values/entries/forEach/@@iterator to class C; `pairs(obj)` returns the
// current list of [key, value] pairs.
export function defineIterable(C, name, pairs) {
  const p = C.prototype;
  const methods = {
    entries() {
      return makeIterator(name, pairs(this), "key+value");
    },
    keys() {
      return makeIterator(name, pairs(this), "key");
    },
    values() {
      return makeIterator(name, pairs(this), "value");
    },
    forEach(callback, thisArg = undefined) {
      if (typeof callback !== "function") {
        throw new TypeError(
          `Failed to execute 'forEach' on '${name}': parameter 1 is not of type 'Function'.`,
        );
      }
      const list = pairs(this);
      for (let i = 0; i < list.length; i++) callback.call(thisArg, list[i][1], list[i][0], this);
    },
  };
  for (const k of Object.keys(methods)) {
    Object.defineProperty(p, k, {
      value: methods[k],
      writable: true,
      enumerable: true,
      configurable: true,
    });
  }
  Object.defineProperty(p, Symbol.iterator, {
    value: p.entries,
    writable: true,
    enumerable: false,
    configurable: true,
  });
}
