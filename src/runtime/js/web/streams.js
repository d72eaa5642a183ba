// WHATWG Streams from the pinned web-streams-polyfill ponyfill (it does not touch
// globals), plus the helpers the fetch body code needs.
import * as polyfill from "web-streams-polyfill";
import { concatBytes } from "./util.js";

// The Streams interfaces (all the polyfill exports), installed as globals by index.js.
export const streamGlobals = { ...polyfill };
export const { ReadableStream, TransformStream, WritableStream } = polyfill;

export function isReadableStream(v) {
  return v instanceof ReadableStream;
}

// The polyfill keeps [[disturbed]] in a plain `_disturbed` field.
export function isDisturbed(stream) {
  return stream._disturbed === true;
}

// Still open for its consumer: not closed (read to the end or cancelled) nor errored. The
// polyfill keeps [[state]] in `_state`.
export function isStillReadable(stream) {
  return stream._state === "readable";
}

// A byte stream that yields `bytes` (owned by the stream) once, then closes.
export function byteStreamFrom(bytes) {
  return new ReadableStream({
    type: "bytes",
    pull(c) {
      if (bytes.byteLength) c.enqueue(bytes);
      bytes = null;
      c.close();
      const req = c.byobRequest;
      if (req) req.respond(0);
    },
  });
}

// Reads a stream of Uint8Array chunks to one Uint8Array.
export async function readAllBytes(stream) {
  const reader = stream.getReader();
  const chunks = [];
  let total = 0;
  for (;;) {
    const { value, done } = await reader.read();
    if (done) break;
    if (!(value instanceof Uint8Array)) {
      reader.releaseLock();
      throw new TypeError("Body stream chunk is not a Uint8Array");
    }
    chunks.push(value);
    total += value.byteLength;
  }
  if (chunks.length === 0) return new Uint8Array(0);
  return concatBytes(chunks, total);
}
