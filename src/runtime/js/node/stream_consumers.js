// node:stream/consumers: a whole stream read into one value. Any async iterable will do,
// a Node Readable or a WHATWG ReadableStream (both are async iterables here), as in Node.
import { host } from "./runtime.js";
import { loadBuiltin } from "./registry.js";

export function createStreamConsumers() {
  const { Buffer } = loadBuiltin("buffer");

  async function bytesOf(stream) {
    const chunks = [];
    for await (const chunk of stream) {
      chunks.push(typeof chunk === "string" ? Buffer.from(chunk) : chunk);
    }
    return Buffer.concat(chunks);
  }

  async function arrayBuffer(stream) {
    const bytes = await bytesOf(stream);
    return bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength);
  }

  async function text(stream) {
    // One decoder across chunks: a character split between two of them stays whole.
    const decoder = new host.TextDecoder();
    let out = "";
    for await (const chunk of stream) {
      out += typeof chunk === "string" ? chunk : decoder.decode(chunk, { stream: true });
    }
    return out + decoder.decode();
  }

  return {
    arrayBuffer,
    blob: async (stream) => new host.Blob([await arrayBuffer(stream)]),
    buffer: bytesOf,
    json: async (stream) => JSON.parse(await text(stream)),
    text,
  };
}
