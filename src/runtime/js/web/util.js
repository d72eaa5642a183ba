// Small helpers shared by the Web API modules.

// Defines properties the way Web IDL does for interface members on the global:
// non-enumerable, writable, configurable.
// Functions get their `name` fixed too: bundlers may rename colliding bindings.
export function defineGlobals(g, props) {
  for (const name of Object.keys(props)) {
    const v = props[name];
    if (typeof v === "function" && v.name !== name) {
      Object.defineProperty(v, "name", { value: name, configurable: true });
    }
    Object.defineProperty(g, name, {
      value: props[name],
      writable: true,
      enumerable: false,
      configurable: true,
    });
  }
}

export function setToStringTag(C, tag) {
  Object.defineProperty(C.prototype, Symbol.toStringTag, {
    value: tag,
    writable: false,
    enumerable: false,
    configurable: true,
  });
}

// Makes the named prototype members enumerable (Web IDL attributes and operations are).
export function enumerable(C, names) {
  const p = C.prototype;
  for (const n of names) {
    const d = Object.getOwnPropertyDescriptor(p, n);
    if (d) {
      d.enumerable = true;
      Object.defineProperty(p, n, d);
    }
  }
}

// Defines read-only constants on both the constructor and the prototype.
export function defineConstants(C, consts) {
  for (const k of Object.keys(consts)) {
    const d = { value: consts[k], writable: false, enumerable: true, configurable: false };
    Object.defineProperty(C, k, d);
    Object.defineProperty(C.prototype, k, d);
  }
}

// A token that lets internal code call constructors that are illegal for users.
export const ILLEGAL = Symbol("illegal constructor");

export function illegalConstructor() {
  return new TypeError("Illegal constructor");
}

export function requiredArgs(n, required, prefix) {
  if (n < required) {
    throw new TypeError(
      `${prefix}: ${required} argument${required === 1 ? "" : "s"} required, but only ${n} present`,
    );
  }
}

// Web IDL USVString: replace lone surrogates with U+FFFD.
export function toUSVString(v) {
  const s = String(v);
  // Fast path: no surrogates at all.
  if (!/[\uD800-\uDFFF]/.test(s)) return s;
  return s.replace(
    /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(^|[^\uD800-\uDBFF])[\uDC00-\uDFFF]/g,
    (m, pre) => (pre === undefined ? "\uFFFD" : pre + "\uFFFD"),
  );
}

// Web IDL ByteString.
export function toByteString(v, what) {
  const s = String(v);
  for (let i = 0; i < s.length; i++) {
    if (s.charCodeAt(i) > 255) {
      throw new TypeError(`${what} is not a valid ByteString`);
    }
  }
  return s;
}

// BufferSource → Uint8Array view over the same memory (no copy).
export function bufferSourceToU8(v) {
  if (v instanceof Uint8Array) return v;
  if (ArrayBuffer.isView(v)) return new Uint8Array(v.buffer, v.byteOffset, v.byteLength);
  if (v instanceof ArrayBuffer) return new Uint8Array(v);
  if (typeof SharedArrayBuffer === "function" && v instanceof SharedArrayBuffer) {
    return new Uint8Array(v);
  }
  return null;
}

export function isBufferSource(v) {
  return (
    ArrayBuffer.isView(v) ||
    v instanceof ArrayBuffer ||
    (typeof SharedArrayBuffer === "function" && v instanceof SharedArrayBuffer)
  );
}

export function concatBytes(chunks, total) {
  if (chunks.length === 1) return chunks[0];
  if (total === undefined) {
    total = 0;
    for (const c of chunks) total += c.byteLength;
  }
  const out = new Uint8Array(total);
  let off = 0;
  for (const c of chunks) {
    out.set(c, off);
    off += c.byteLength;
  }
  return out;
}

// ECMA-262's ToIntegerOrInfinity, and a relative index (negative counts from the end)
// clamped to [0, len]: the argument handling of the Array built-ins.
export function toIntegerOrInfinity(v) {
  const n = Number(v);
  if (Number.isNaN(n) || n === 0) return 0;
  if (!Number.isFinite(n)) return n;
  return Math.trunc(n);
}

export function relIndex(rel, len) {
  return rel < 0 ? Math.max(len + rel, 0) : Math.min(rel, len);
}
