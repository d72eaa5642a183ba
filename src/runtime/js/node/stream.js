// node:stream and node:stream/promises: the `readable-stream` npm package, the Node.js
// streams implementation published by the Node.js project, pinned. Its lib/stream.js is
// Node's lib/stream.js: the legacy Stream with Readable, Writable, Duplex, Transform,
// PassThrough, pipeline, finished, compose, ... attached.
import "./buffer.js"; // first: the Buffer it uses gets the runtime's patches
import Stream from "readable-stream/lib/stream.js";
import promises from "readable-stream/lib/stream/promises.js";

if (Stream.promises === undefined) {
  Object.defineProperty(Stream, "promises", { value: promises, enumerable: true, configurable: true });
}
export default Stream;
