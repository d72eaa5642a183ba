// The arguments node:fs's functions take, as the ops want them: paths (string, Buffer,
// file: URL), data and encodings, open flags.
import { host } from "./runtime.js";
import { invalidArgType, invalidArgValue, makeError } from "./errors.js";
import { constants } from "./fs_constants.js";
import { loadBuiltin } from "./registry.js";

export const Buffer = () => loadBuiltin("buffer").Buffer;

// A path argument (string, Buffer or file: URL) as the string the ops take.
export function pathArg(path, name = "path") {
  if (typeof path === "string") return path;
  if (path instanceof Uint8Array) return new host.TextDecoder().decode(path);
  if (path instanceof host.URL || (path !== null && typeof path === "object" && typeof path.href === "string" && path.protocol !== undefined)) {
    if (path.protocol !== "file:") throw makeError(TypeError, "ERR_INVALID_URL_SCHEME", "The URL must be of scheme file");
    return decodeURIComponent(path.pathname);
  }
  throw invalidArgType(name, ["string", "Buffer", "URL"], path);
}

export function encodingOf(options, fallback = undefined) {
  if (typeof options === "string") return options;
  if (options !== null && typeof options === "object" && options.encoding != null) return options.encoding;
  return fallback;
}

// Data to write (string in `encoding`, Buffer, any TypedArray or DataView) as bytes.
export function bytesOf(data, encoding = "utf8", name = "data") {
  if (typeof data === "string") return Buffer().from(data, encoding ?? "utf8");
  if (data instanceof Uint8Array) return data;
  if (ArrayBuffer.isView(data)) return new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
  throw invalidArgType(name, ["string", "Buffer", "TypedArray", "DataView"], data);
}

export function decodeAs(bytes, encoding) {
  const buffer = Buffer().from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  return encoding === undefined || encoding === null || encoding === "buffer" ? buffer : buffer.toString(encoding);
}

// Node's open flags ("r", "wx+", or O_* bits) as the ops' open options.
export function openFlags(flags = "r") {
  if (typeof flags === "number") {
    const access = flags & 3;
    return {
      read: access === 0 || access === 2,
      write: access !== 0,
      append: (flags & constants.O_APPEND) !== 0,
      truncate: (flags & constants.O_TRUNC) !== 0,
      create: (flags & constants.O_CREAT) !== 0,
      createNew: (flags & constants.O_CREAT) !== 0 && (flags & constants.O_EXCL) !== 0,
    };
  }
  const table = {
    r: [true, false, false, false, false],
    rs: [true, false, false, false, false],
    sr: [true, false, false, false, false],
    "r+": [true, true, false, false, false],
    "rs+": [true, true, false, false, false],
    "sr+": [true, true, false, false, false],
    w: [false, true, false, true, true],
    "w+": [true, true, false, true, true],
    a: [false, false, true, false, true],
    as: [false, false, true, false, true],
    sa: [false, false, true, false, true],
    "a+": [true, false, true, false, true],
    "as+": [true, false, true, false, true],
    "sa+": [true, false, true, false, true],
  };
  const exclusive = typeof flags === "string" && flags.includes("x");
  const row = table[typeof flags === "string" ? flags.replace("x", "") : ""];
  if (row === undefined || (exclusive && !"wa".includes(flags[0]))) {
    throw invalidArgValue("flags", flags);
  }
  const [read, write, append, truncate, create] = row;
  return { read, write: write || append, append, truncate, create, createNew: exclusive };
}
