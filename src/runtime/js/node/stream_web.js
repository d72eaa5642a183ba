// node:stream/web: the runtime's WHATWG streams, which are also the globals.
import * as streams from "../web/streams.js";
import { TextDecoderStream, TextEncoderStream } from "../web/encoding_streams.js";
import { CompressionStream, DecompressionStream } from "../web/compression.js";

export function createStreamWeb() {
  return { ...streams.streamGlobals, TextDecoderStream, TextEncoderStream, CompressionStream, DecompressionStream };
}
