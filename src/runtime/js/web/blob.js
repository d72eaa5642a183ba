// Blob and File (File API). Bytes are kept in memory as a list of Uint8Array parts.
import { ops } from "./ops.js";
import { byteStreamFrom } from "./streams.js";
import { bufferSourceToU8, concatBytes, enumerable, setToStringTag } from "./util.js";

function normalizeType(type) {
  const s = String(type);
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 0x20 || c > 0x7e) return "";
  }
  return s.toLowerCase();
}

const INTERNAL = Symbol("internal");
let blobParts; // (blob) => Uint8Array[]
let makeBlob; // (parts, size, type) => Blob

export class Blob {
  #parts;
  #size;
  #type;

  static {
    blobParts = (b) => b.#parts;
    makeBlob = (parts, size, type) => new Blob(INTERNAL, { parts, size, type });
  }

  constructor(blobParts_ = undefined, options = undefined) {
    if (blobParts_ === INTERNAL) {
      this.#parts = options.parts;
      this.#size = options.size;
      this.#type = options.type;
      return;
    }
    const parts = [];
    let size = 0;
    if (blobParts_ !== undefined) {
      if (
        blobParts_ === null ||
        (typeof blobParts_ !== "object" && typeof blobParts_ !== "function") ||
        typeof blobParts_[Symbol.iterator] !== "function"
      ) {
        throw new TypeError(
          "Failed to construct 'Blob': The provided value cannot be converted to a sequence.",
        );
      }
      const native = options?.endings === "native";
      for (const part of blobParts_) {
        let bytes;
        if (part instanceof Blob) {
          for (const p of part.#parts) {
            parts.push(p);
            size += p.byteLength;
          }
          continue;
        }
        const view = bufferSourceToU8(part);
        // A copy through Uint8Array's own constructor: a node: Buffer's slice() is a view.
        if (view !== null) bytes = new Uint8Array(view);
        else {
          let s = String(part);
          if (native) s = s.replace(/\r\n?/g, "\n");
          bytes = ops.encode_utf8(s);
        }
        if (bytes.byteLength) {
          parts.push(bytes);
          size += bytes.byteLength;
        }
      }
    }
    if (options != null && typeof options !== "object") {
      throw new TypeError("Failed to construct 'Blob': options is not an object");
    }
    const endings = options?.endings;
    if (endings !== undefined && endings !== "transparent" && endings !== "native") {
      throw new TypeError(
        `Failed to construct 'Blob': The provided value '${endings}' is not a valid enum value of type EndingType.`,
      );
    }
    this.#parts = parts;
    this.#size = size;
    this.#type = options?.type === undefined ? "" : normalizeType(options.type);
  }

  get size() {
    return this.#size;
  }

  get type() {
    return this.#type;
  }

  slice(start = undefined, end = undefined, contentType = undefined) {
    const size = this.#size;
    let from = start === undefined ? 0 : Math.trunc(Number(start)) || 0;
    let to = end === undefined ? size : Math.trunc(Number(end)) || 0;
    from = from < 0 ? Math.max(size + from, 0) : Math.min(from, size);
    to = to < 0 ? Math.max(size + to, 0) : Math.min(to, size);
    const span = Math.max(to - from, 0);
    const parts = [];
    let pos = 0;
    for (const p of this.#parts) {
      if (pos + p.byteLength <= from) {
        pos += p.byteLength;
        continue;
      }
      if (pos >= from + span) break;
      const s = Math.max(from - pos, 0);
      const e = Math.min(from + span - pos, p.byteLength);
      parts.push(s === 0 && e === p.byteLength ? p : p.subarray(s, e));
      pos += p.byteLength;
    }
    return makeBlob(parts, span, contentType === undefined ? "" : normalizeType(contentType));
  }

  stream() {
    return byteStreamFrom(blobBytes(this).slice());
  }

  text() {
    try {
      return Promise.resolve(ops.decode_utf8(blobBytes(this), false, false));
    } catch (e) {
      return Promise.reject(e);
    }
  }

  arrayBuffer() {
    try {
      return Promise.resolve(copyBytes(this).buffer);
    } catch (e) {
      return Promise.reject(e);
    }
  }

  bytes() {
    try {
      return Promise.resolve(copyBytes(this));
    } catch (e) {
      return Promise.reject(e);
    }
  }
}
setToStringTag(Blob, "Blob");
enumerable(Blob, ["size", "type", "slice", "stream", "text", "arrayBuffer", "bytes"]);

function copyBytes(blob) {
  const parts = blobParts(blob);
  if (parts.length === 1) return parts[0].slice();
  return concatBytes(parts, blob.size);
}

// All bytes of a Blob (may share memory with the Blob: do not mutate).
export function blobBytes(blob) {
  const parts = blobParts(blob);
  if (parts.length === 0) return new Uint8Array(0);
  if (parts.length === 1) return parts[0];
  return concatBytes(parts, blob.size);
}

export function isBlob(v) {
  return v instanceof Blob;
}

export class File extends Blob {
  #name;
  #lastModified;

  constructor(fileBits, fileName, options = undefined) {
    if (arguments.length < 2) {
      throw new TypeError(
        `Failed to construct 'File': 2 arguments required, but only ${arguments.length} present.`,
      );
    }
    super(fileBits, options);
    this.#name = String(fileName);
    this.#lastModified =
      options?.lastModified === undefined ? Date.now() : Math.trunc(Number(options.lastModified)) || 0;
  }

  get name() {
    return this.#name;
  }

  get lastModified() {
    return this.#lastModified;
  }
}
setToStringTag(File, "File");
enumerable(File, ["name", "lastModified"]);
