// node:string_decoder: the `string_decoder` npm package (Node's module, pinned). Node's
// decoder takes any Uint8Array; the package's wants a Buffer, so views are wrapped (no copy).
import { invalidArgType } from "./errors.js";
import { loadBuiltin } from "./registry.js";

function asBuffer(Buffer, input) {
  if (input === undefined || typeof input === "string" || Buffer.isBuffer(input)) return input;
  if (ArrayBuffer.isView(input)) return Buffer.from(input.buffer, input.byteOffset, input.byteLength);
  throw invalidArgType("buf", ["Buffer", "TypedArray", "DataView"], input);
}

export function createStringDecoder() {
  const { Buffer } = loadBuiltin("buffer"); // first: the Buffer it uses gets the runtime's patches
  // eslint-disable-next-line no-undef -- esbuild's require, resolved at bundle time
  const pkg = require("string_decoder");
  // A function, as Node's is: packages call it on objects of their own
  // (`StringDecoder.call(this, enc)` in iconv-lite, which body-parser uses).
  function StringDecoder(encoding) {
    if (!new.target && (this === undefined || this === globalThis)) return new StringDecoder(encoding);
    pkg.StringDecoder.call(this, encoding);
    // The package picks `write` and `end` per instance, by encoding.
    const { write, end } = this;
    this.write = (input) => Reflect.apply(write, this, [asBuffer(Buffer, input)]);
    this.end = (input) => Reflect.apply(end, this, [asBuffer(Buffer, input)]);
  }
  StringDecoder.prototype = pkg.StringDecoder.prototype;
  Object.defineProperty(StringDecoder.prototype, "constructor", { value: StringDecoder, writable: true, configurable: true });
  return { StringDecoder };
}
