// Minimal assertions for the Web API conformance tests (runs under Deno and sbfn).

export class AssertionError extends Error {
  constructor(message) {
    super(message);
    this.name = "AssertionError";
  }
}

function show(v) {
  try {
    if (typeof Deno !== "undefined" && typeof Deno.inspect === "function") return Deno.inspect(v);
  } catch {
    // fall through
  }
  try {
    return JSON.stringify(v);
  } catch {
    return String(v);
  }
}

export function assert(cond, msg = "Assertion failed") {
  if (!cond) throw new AssertionError(msg);
}

function deepEqual(a, b, seen = new Map()) {
  if (Object.is(a, b)) return true;
  if (typeof a !== "object" || typeof b !== "object" || a === null || b === null) return false;
  if (Object.getPrototypeOf(a) !== Object.getPrototypeOf(b)) return false;
  if (seen.get(a) === b) return true;
  seen.set(a, b);
  if (a instanceof Date) return a.getTime() === b.getTime();
  if (a instanceof RegExp) return String(a) === String(b);
  if (ArrayBuffer.isView(a) || a instanceof ArrayBuffer) {
    const x = a instanceof ArrayBuffer ? new Uint8Array(a) : new Uint8Array(a.buffer, a.byteOffset, a.byteLength);
    const y = b instanceof ArrayBuffer ? new Uint8Array(b) : new Uint8Array(b.buffer, b.byteOffset, b.byteLength);
    if (x.length !== y.length) return false;
    for (let i = 0; i < x.length; i++) if (x[i] !== y[i]) return false;
    return true;
  }
  if (a instanceof Map) {
    if (a.size !== b.size) return false;
    for (const [k, v] of a) if (!b.has(k) || !deepEqual(v, b.get(k), seen)) return false;
    return true;
  }
  if (a instanceof Set) {
    if (a.size !== b.size) return false;
    for (const v of a) if (!b.has(v)) return false;
    return true;
  }
  const ka = Object.keys(a);
  const kb = Object.keys(b);
  if (ka.length !== kb.length) return false;
  for (const k of ka) {
    if (!Object.prototype.hasOwnProperty.call(b, k)) return false;
    if (!deepEqual(a[k], b[k], seen)) return false;
  }
  return true;
}

export function assertEquals(actual, expected, msg = undefined) {
  if (!deepEqual(actual, expected)) {
    throw new AssertionError(msg ?? `Values are not equal:\n  actual:   ${show(actual)}\n  expected: ${show(expected)}`);
  }
}

export function assertStrictEquals(actual, expected, msg = undefined) {
  if (!Object.is(actual, expected)) {
    throw new AssertionError(msg ?? `Values are not strictly equal:\n  actual:   ${show(actual)}\n  expected: ${show(expected)}`);
  }
}

function checkError(e, ErrorClass, msgIncludes) {
  if (ErrorClass && !(e instanceof ErrorClass)) {
    throw new AssertionError(`Expected error to be instance of "${ErrorClass.name}", but was "${e?.constructor?.name}": ${e?.message}`);
  }
  if (msgIncludes !== undefined && !String(e?.message).includes(msgIncludes)) {
    throw new AssertionError(`Expected error message to include ${show(msgIncludes)}, but got ${show(e?.message)}`);
  }
}

export function assertThrows(fn, ErrorClass = undefined, msgIncludes = undefined) {
  try {
    fn();
  } catch (e) {
    checkError(e, ErrorClass, msgIncludes);
    return e;
  }
  throw new AssertionError("Expected function to throw.");
}

export async function assertRejects(fn, ErrorClass = undefined, msgIncludes = undefined) {
  let threw = false;
  let err;
  try {
    await (typeof fn === "function" ? fn() : fn);
  } catch (e) {
    threw = true;
    err = e;
  }
  if (!threw) throw new AssertionError("Expected promise to reject.");
  checkError(err, ErrorClass, msgIncludes);
  return err;
}

// Asserts a DOMException with the given name.
export function assertThrowsDOMException(fn, name) {
  const e = assertThrows(fn, DOMException);
  assertStrictEquals(e.name, name);
  return e;
}
