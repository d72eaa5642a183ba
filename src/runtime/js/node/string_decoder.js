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
  class StringDecoder extends pkg.StringDecoder {
    constructor(encoding) {
      super(encoding);
      // The package picks `write` and `end` per instance, by encoding.
      const { write, end } = this;
      this.write = (input) => Reflect.apply(write, this, [asBuffer(Buffer, input)]);
      this.end = (input) => Reflect.apply(end, this, [asBuffer(Buffer, input)]);
    }
  }
  return { StringDecoder };
}
