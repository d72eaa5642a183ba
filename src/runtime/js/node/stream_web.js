// node:stream/web: the runtime's WHATWG streams, which are also the globals.
import {
  CompressionStream,
  DecompressionStream,
  TextDecoderStream,
  TextEncoderStream,
  streamGlobals,
} from "./runtime.js";

export function createStreamWeb() {
  return { ...streamGlobals, TextDecoderStream, TextEncoderStream, CompressionStream, DecompressionStream };
}
