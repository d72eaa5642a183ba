// node:stream/web: the runtime's WHATWG streams, which are also the globals.
import { host } from "./runtime.js";

export function createStreamWeb() {
  return {
    ...host.streamGlobals,
    TextDecoderStream: host.TextDecoderStream,
    TextEncoderStream: host.TextEncoderStream,
    CompressionStream: host.CompressionStream,
    DecompressionStream: host.DecompressionStream,
  };
}
