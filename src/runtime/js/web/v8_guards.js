// Two V8 10.2 built-ins that a function can turn into the end of the whole process,
// wrapped so that they fail in the function instead. Both wrappers pass ordinary inputs
// straight to the built-in; only inputs of hundreds of megabytes take the slow road.
import { relIndex, toIntegerOrInfinity } from "./util.js";

function define(obj, name, fn) {
  Object.defineProperty(obj, name, { value: fn, writable: true, enumerable: false, configurable: true });
}

// Array.prototype.fill on an array longer than V8's kMaxFastArrayLength (2^25), which
// V8 keeps as a dictionary, runs element by element in C++ with no interrupt check:
// `new Array(6e7).fill(0)` takes 57 s and 4.7 GB in Node 20, and neither the CPU limit
// nor the memory limit's termination can land before it returns. In slices, the
// worker can be stopped between two of them.
const nativeFill = Array.prototype.fill;
const FILL_SLICE = 1 << 20;
const FAST_ARRAY_MAX = 1 << 25;
define(Array.prototype, "fill", {
  fill(value, start = undefined, end = undefined) {
    if (!Array.isArray(this) || this.length <= FAST_ARRAY_MAX) {
      return nativeFill.call(this, value, start, end);
    }
    const len = this.length;
    let k = relIndex(toIntegerOrInfinity(start), len);
    const final = end === undefined ? len : relIndex(toIntegerOrInfinity(end), len);
    while (k < final) {
      const next = Math.min(k + FILL_SLICE, final);
      nativeFill.call(this, value, k, next);
      k = next;
    }
    return this;
  },
}.fill);

// JSON.parse of an array with more elements than V8's FixedArray::kMaxLength is a fatal
// error ("invalid size error"), not a RangeError. Such an array needs as many commas, so
// only a text with that many commas is refused, and only a text long enough to hold
// them is counted.
const nativeParse = JSON.parse;
const MAX_ELEMENTS = 134217725;
define(JSON, "parse", {
  parse(text, reviver) {
    if (typeof text === "string" && text.length >= 2 * MAX_ELEMENTS - 1) {
      let commas = 0;
      for (let i = 0; i < text.length; i++) {
        if (text.charCodeAt(i) === 44 && ++commas >= MAX_ELEMENTS) {
          throw new RangeError("Invalid array length");
        }
      }
    }
    return nativeParse(text, reviver);
  },
}.parse);
