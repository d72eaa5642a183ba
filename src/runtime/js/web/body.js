// Fetch body: extraction from BodyInit, lazy streams, and the consuming methods
// shared by Request and Response.
import { Blob, blobBytes } from "./blob.js";
import {
  FormData,
  multipartBoundary,
  parseMultipart,
  parseUrlencoded,
  serializeMultipart,
} from "./formdata.js";
import { ops } from "./ops.js";
import { byteStreamFrom, isDisturbed, ReadableStream, readAllBytes } from "./streams.js";
import { URLSearchParams } from "./url.js";
import { bufferSourceToU8, toUSVString } from "./util.js";

// One body. `source` is the fully known content (string | Uint8Array | Blob | null);
// `stream` is created only when someone asks for it (or given by the user).
export class InnerBody {
  constructor(source, stream) {
    this.source = source;
    this.stream = stream;
    this.consumed = false;
    this.shared = false; // source is shared with a clone: copy before handing out
  }

  getStream() {
    if (this.stream === null) {
      const src = this.source;
      this.stream = byteStreamFrom(
        typeof src === "string"
          ? ops.encode_utf8(src)
          : src instanceof Uint8Array
            ? src.slice()
            : blobBytes(src).slice(),
      );
    }
    return this.stream;
  }

  get used() {
    return this.consumed || (this.stream !== null && isDisturbed(this.stream));
  }

  // The stream has not been handed out in a state that differs from `source`.
  sourceIsCurrent() {
    const s = this.stream;
    return this.source !== null && (s === null || (!s.locked && !isDisturbed(s)));
  }

  clone() {
    if (this.stream !== null) {
      const [a, b] = this.stream.tee();
      this.stream = a;
      const c = new InnerBody(this.source, b);
      this.shared = c.shared = true;
      return c;
    }
    const c = new InnerBody(this.source, null);
    this.shared = c.shared = true;
    return c;
  }

  get length() {
    const s = this.source;
    if (s === null) return null;
    if (typeof s === "string") return null;
    return s instanceof Uint8Array ? s.byteLength : s.size;
  }
}

// Returns { body: InnerBody, contentType: string | null }.
export function extractBody(object) {
  if (typeof object === "string") {
    return { body: new InnerBody(object, null), contentType: "text/plain;charset=UTF-8" };
  }
  if (object instanceof ReadableStream) {
    if (object.locked || isDisturbed(object)) {
      throw new TypeError("ReadableStream is locked or disturbed");
    }
    return { body: new InnerBody(null, object), contentType: null };
  }
  const view = bufferSourceToU8(object);
  if (view !== null) {
    return { body: new InnerBody(view.slice(), null), contentType: null };
  }
  if (object instanceof Blob) {
    return { body: new InnerBody(object, null), contentType: object.type || null };
  }
  if (object instanceof URLSearchParams) {
    return {
      body: new InnerBody(object.toString(), null),
      contentType: "application/x-www-form-urlencoded;charset=UTF-8",
    };
  }
  if (object instanceof FormData) {
    const { body, contentType } = serializeMultipart(object);
    return { body: new InnerBody(body, null), contentType };
  }
  if (
    object !== null &&
    typeof object === "object" &&
    typeof object[Symbol.asyncIterator] === "function" &&
    typeof ReadableStream.from === "function"
  ) {
    return { body: new InnerBody(null, ReadableStream.from(object)), contentType: null };
  }
  return { body: new InnerBody(toUSVString(object), null), contentType: "text/plain;charset=UTF-8" };
}

function consumedError() {
  return new TypeError("Body already consumed.");
}

// Consumes `body` (InnerBody | null). Resolves to a string or Uint8Array (the
// Uint8Array is owned by the caller) depending on `want`: "text" | "bytes".
async function consume(body, want) {
  if (body === null) return want === "text" ? "" : new Uint8Array(0);
  if (body.used) throw consumedError();
  if (body.stream !== null && body.stream.locked) throw new TypeError("ReadableStream is locked.");
  if (body.sourceIsCurrent() && body.stream === null) {
    body.consumed = true;
    const src = body.source;
    if (typeof src === "string") return want === "text" ? src : ops.encode_utf8(src);
    const bytes = src instanceof Uint8Array ? (body.shared ? src.slice() : src) : blobBytes(src);
    if (want === "text") return ops.decode_utf8(bytes, false, false);
    return src instanceof Uint8Array && !body.shared ? bytes : bytes.slice();
  }
  body.consumed = true;
  const bytes = await readAllBytes(body.stream);
  return want === "text" ? ops.decode_utf8(bytes, false, false) : bytes;
}

function toArrayBuffer(u8) {
  if (u8.byteOffset === 0 && u8.byteLength === u8.buffer.byteLength) return u8.buffer;
  return u8.slice().buffer;
}

function mimeEssence(contentType) {
  if (contentType === null) return "";
  return contentType.split(";")[0].trim().toLowerCase();
}

// Installs text/json/arrayBuffer/bytes/blob/formData/body/bodyUsed on C.prototype.
// `getBody(obj)` returns the object's InnerBody | null; `getContentType(obj)` its
// Content-Type header value or null.
export function mixinBody(C, getBody, getContentType) {
  const methods = {
    async text() {
      return consume(getBody(this), "text");
    },
    async json() {
      return JSON.parse(await consume(getBody(this), "text"));
    },
    async arrayBuffer() {
      return toArrayBuffer(await consume(getBody(this), "bytes"));
    },
    async bytes() {
      return consume(getBody(this), "bytes");
    },
    async blob() {
      const bytes = await consume(getBody(this), "bytes");
      const type = getContentType(this);
      return new Blob([bytes], { type: type === null ? "" : type });
    },
    async formData() {
      const body = getBody(this);
      const type = getContentType(this);
      const essence = mimeEssence(type);
      if (essence === "multipart/form-data") {
        const boundary = multipartBoundary(type);
        if (boundary === null) throw new TypeError("Missing boundary parameter in mime type of multipart formdata.");
        return parseMultipart(await consume(body, "bytes"), boundary);
      }
      if (essence === "application/x-www-form-urlencoded") {
        return parseUrlencoded(await consume(body, "text"));
      }
      throw new TypeError("Body can not be decoded as form data");
    },
  };
  const p = C.prototype;
  for (const k of Object.keys(methods)) {
    Object.defineProperty(p, k, { value: methods[k], writable: true, enumerable: true, configurable: true });
  }
  Object.defineProperty(p, "body", {
    get() {
      const b = getBody(this);
      return b === null ? null : b.getStream();
    },
    enumerable: true,
    configurable: true,
  });
  Object.defineProperty(p, "bodyUsed", {
    get() {
      const b = getBody(this);
      return b !== null && b.used;
    },
    enumerable: true,
    configurable: true,
  });
}
