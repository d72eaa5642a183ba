// node:buffer and the `Buffer` global: the `buffer` npm package (Node's Buffer for other
// engines, pinned), with the base64url encoding it predates and UTF-8 through the
// runtime's native TextEncoder/TextDecoder instead of its per-byte JavaScript loops.
import { host } from "./runtime.js";
import { makeError } from "./errors.js";

export const kStringMaxLength = (1 << 29) - 24; // V8's String::kMaxLength

// node:buffer's exports: the package's Buffer, patched in place (so every bundled package
// that requires "buffer" gets the same patched class).
export function createBuffer() {
  // eslint-disable-next-line no-undef -- esbuild's require, resolved at bundle time
  const { Buffer, SlowBuffer, INSPECT_MAX_BYTES, kMaxLength } = require("buffer");
  const proto = Buffer.prototype;
  const utf8Decoder = new host.TextDecoder();

  // "base64url" decodes like "base64" (the package's decoder takes both alphabets); every
  // other name goes to the package as given.
  function normalize(encoding) {
    if (typeof encoding !== "string") return encoding;
    const lower = encoding.toLowerCase();
    return lower === "base64url" ? "base64" : encoding;
  }
  function isUtf8Name(encoding) {
    if (encoding === undefined || encoding === null) return true;
    const lower = String(encoding).toLowerCase();
    return lower === "utf8" || lower === "utf-8";
  }
  function toBase64url(base64) {
    return base64.replace(/=+$/, "").replace(/\+/g, "-").replace(/\//g, "_");
  }

  const originalFrom = Buffer.from;
  Buffer.from = function from(value, encodingOrOffset, length) {
    if (typeof value === "string") {
      if (isUtf8Name(encodingOrOffset)) {
        const bytes = host.ops.encode_utf8(value);
        return originalFrom.call(Buffer, bytes.buffer, bytes.byteOffset, bytes.byteLength);
      }
      return originalFrom.call(Buffer, value, normalize(encodingOrOffset), length);
    }
    return originalFrom.call(Buffer, value, encodingOrOffset, length);
  };

  const originalToString = proto.toString;
  proto.toString = function toString(encoding, start, end) {
    if (arguments.length === 0 || isUtf8Name(encoding)) {
      const length = this.length;
      start = start === undefined || start < 0 ? 0 : start >>> 0;
      end = end === undefined || end > length ? length : end >>> 0;
      if (start >= length || end <= start) return "";
      return utf8Decoder.decode(start === 0 && end === length ? this : this.subarray(start, end));
    }
    if (typeof encoding === "string" && encoding.toLowerCase() === "base64url") {
      return toBase64url(Reflect.apply(originalToString, this, ["base64", start, end]));
    }
    return Reflect.apply(originalToString, this, [encoding, start, end]);
  };

  for (const name of ["write", "fill", "indexOf", "lastIndexOf", "includes"]) {
    const original = proto[name];
    proto[name] = function (...args) {
      return Reflect.apply(original, this, args.map(normalize));
    };
    Object.defineProperty(proto[name], "name", { value: name });
  }
  const originalByteLength = Buffer.byteLength;
  Buffer.byteLength = function byteLength(string, encoding) {
    if (typeof string === "string" && isUtf8Name(encoding)) return host.ops.encode_utf8(string).byteLength;
    return originalByteLength.call(Buffer, string, normalize(encoding));
  };
  const originalIsEncoding = Buffer.isEncoding;
  Buffer.isEncoding = function isEncoding(encoding) {
    return originalIsEncoding.call(Buffer, normalize(encoding));
  };

  const constants = { MAX_LENGTH: kMaxLength, MAX_STRING_LENGTH: kStringMaxLength };
  // The Blob behind a blob: URL from URL.createObjectURL (the runtime's store).
  const resolveObjectURL = (id) => host.blobFromUrl?.(String(id));
  return { Blob: host.Blob, Buffer, File: host.File, INSPECT_MAX_BYTES, SlowBuffer, atob: host.atob, btoa: host.btoa, constants, isAscii, isUtf8, kMaxLength, kStringMaxLength, resolveObjectURL, transcode: (source, from, to) => transcode(Buffer, source, from, to) };
}


export function isUtf8(input) {
  try {
    new host.TextDecoder("utf-8", { fatal: true }).decode(input);
    return true;
  } catch {
    return false;
  }
}

export function isAscii(input) {
  const bytes = ArrayBuffer.isView(input)
    ? new Uint8Array(input.buffer, input.byteOffset, input.byteLength)
    : new Uint8Array(input);
  for (let i = 0; i < bytes.length; i++) if (bytes[i] > 0x7f) return false;
  return true;
}


// transcode(source, fromEnc, toEnc) between the encodings Node's does without ICU's
// converters: utf8, utf16le/ucs2, latin1/binary, ascii. A character the target cannot
// hold becomes "?", as Node's does.
const transcodable = { utf8: "utf8", "utf-8": "utf8", utf16le: "utf16le", "utf-16le": "utf16le", ucs2: "utf16le", "ucs-2": "utf16le", latin1: "latin1", binary: "latin1", ascii: "ascii" };
function transcode(Buffer, source, fromEncoding, toEncoding) {
  if (!(source instanceof Uint8Array)) {
    throw makeError(TypeError, "ERR_INVALID_ARG_TYPE", 'The "source" argument must be an instance of Buffer or Uint8Array.');
  }
  const from = transcodable[String(fromEncoding).toLowerCase()];
  const to = transcodable[String(toEncoding).toLowerCase()];
  if (from === undefined || to === undefined) {
    const error = makeError(Error, "U_ILLEGAL_ARGUMENT_ERROR", `Unable to transcode Buffer [U_ILLEGAL_ARGUMENT_ERROR]`);
    error.errno = 1;
    throw error;
  }
  let text = Buffer.from(source.buffer, source.byteOffset, source.byteLength).toString(from);
  if (to === "latin1") text = text.replace(/[^\u0000-\u00ff]/gu, "?");
  if (to === "ascii") text = text.replace(/[^\u0000-\u007f]/gu, "?");
  return Buffer.from(text, to);
}
