// node:stream and node:stream/promises: the `readable-stream` npm package, the Node.js
// streams implementation published by the Node.js project, pinned. Its lib/stream.js is
// Node's lib/stream.js: the legacy Stream with Readable, Writable, Duplex, Transform,
// PassThrough, pipeline, finished, compose, promises, ... attached.
import { loadBuiltin } from "./registry.js";
import { installWebAdapters } from "./stream_adapters.js";

export function createStream() {
  loadBuiltin("buffer"); // first: the Buffer it uses gets the runtime's patches
  // eslint-disable-next-line no-undef -- esbuild's require, resolved at bundle time
  const stream = require("readable-stream/lib/stream.js");
  installWebAdapters(stream);
  return stream;
}
