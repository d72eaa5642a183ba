// The newer node:util functions: system error names, styleText, MIMEType, parseArgs
// (npm @pkgjs/parseargs, the Node.js project's own), parseEnv.
import { invalidArgType, invalidArgValue, makeError, validateString } from "./errors.js";
import { inspectColors } from "./util_format.js";
import { loadBuiltin } from "./registry.js";

// libuv's description of each errno name, as getSystemErrorMessage gives it.
const messages = {
  E2BIG: "argument list too long", EACCES: "permission denied", EADDRINUSE: "address already in use",
  EADDRNOTAVAIL: "address not available", EAFNOSUPPORT: "address family not supported",
  EAGAIN: "resource temporarily unavailable", EALREADY: "connection already in progress",
  EBADF: "bad file descriptor", EBUSY: "resource busy or locked", ECANCELED: "operation canceled",
  ECONNABORTED: "software caused connection abort", ECONNREFUSED: "connection refused",
  ECONNRESET: "connection reset by peer", EEXIST: "file already exists", EFAULT: "bad address in system call argument",
  EFBIG: "file too large", EHOSTUNREACH: "host is unreachable", EINTR: "interrupted system call",
  EINVAL: "invalid argument", EIO: "i/o error", EISCONN: "socket is already connected",
  EISDIR: "illegal operation on a directory", ELOOP: "too many symbolic links encountered",
  EMFILE: "too many open files", EMSGSIZE: "message too long", ENAMETOOLONG: "name too long",
  ENETDOWN: "network is down", ENETUNREACH: "network is unreachable", ENFILE: "file table overflow",
  ENOBUFS: "no buffer space available", ENODEV: "no such device", ENOENT: "no such file or directory",
  ENOMEM: "not enough memory", ENOSPC: "no space left on device", ENOSYS: "function not implemented",
  ENOTCONN: "socket is not connected", ENOTDIR: "not a directory", ENOTEMPTY: "directory not empty",
  ENOTSOCK: "socket operation on non-socket", ENOTSUP: "operation not supported on socket",
  EPERM: "operation not permitted", EPIPE: "broken pipe", EPROTO: "protocol error",
  ERANGE: "result too large", EROFS: "read-only file system", ESPIPE: "invalid seek",
  ESRCH: "no such process", ETIMEDOUT: "connection timed out", ETXTBSY: "text file is busy",
  EXDEV: "cross-device link not permitted",
};

let errorMap;
// errno (negative, as libuv gives it) -> [name, message], from Linux's numbers.
export function getSystemErrorMap() {
  if (errorMap === undefined) {
    errorMap = new Map();
    const errno = loadBuiltin("os").constants.errno;
    for (const [name, number] of Object.entries(errno)) {
      if (!errorMap.has(-number)) errorMap.set(-number, [name, messages[name] ?? "unknown error"]);
    }
  }
  return errorMap;
}

function validateErrno(err) {
  if (typeof err !== "number") throw invalidArgType("err", "number", err);
  if (err >= 0 || !Number.isSafeInteger(err)) {
    throw makeError(RangeError, "ERR_OUT_OF_RANGE", `The value of "err" is out of range. It must be a negative integer. Received ${err}`);
  }
}

export function getSystemErrorName(err) {
  validateErrno(err);
  return getSystemErrorMap().get(err)?.[0] ?? `Unknown system error ${err}`;
}

export function getSystemErrorMessage(err) {
  validateErrno(err);
  return getSystemErrorMap().get(err)?.[1] ?? `Unknown system error ${err}`;
}

// styleText(format, text): `text` in the ANSI styles named. A function's output is a log,
// not a terminal: with validateStream (the default) the codes are left out unless the
// stream is a TTY (never, here) or FORCE_COLOR asks for them, as Node decides.
export function styleText(format, text, { validateStream = true, stream = undefined } = {}) {
  validateString(text, "text");
  const formats = Array.isArray(format) ? format : [format];
  let left = "";
  let right = "";
  for (const name of formats) {
    if (name === "none") continue;
    const codes = inspectColors[name];
    if (codes === undefined) {
      throw invalidArgValue("format", name, `must be one of: ${Object.keys(inspectColors).join(", ")}`);
    }
    left += `\u001b[${codes[0]}m`;
    right = `\u001b[${codes[1]}m${right}`;
  }
  if (validateStream) {
    const force = globalThis.process?.env?.FORCE_COLOR;
    const colour = force !== undefined ? force !== "0" && force !== "false" : !!(stream ?? globalThis.process?.stdout)?.isTTY;
    if (!colour) return text;
  }
  return `${left}${text}${right}`;
}

// Node's MIMEType and MIMEParams over npm whatwg-mimetype (the WHATWG MIME Sniffing parser).
export function createMimeClasses() {
  // eslint-disable-next-line no-undef -- esbuild's require, resolved at bundle time
  const { MIMEType: Parsed } = require("whatwg-mimetype");
  const kParsed = Symbol("parsed");

  class MIMEParams {
    constructor(parameters = undefined) {
      this[kParsed] = parameters ?? new Parsed("a/b")._parameters;
    }
    get(name) {
      return this[kParsed].get(String(name).toLowerCase()) ?? null;
    }
    has(name) {
      return this[kParsed].has(String(name).toLowerCase());
    }
    set(name, value) {
      try {
        this[kParsed].set(String(name), String(value));
      } catch (error) {
        throw makeError(TypeError, "ERR_INVALID_MIME_SYNTAX", error.message);
      }
    }
    delete(name) {
      this[kParsed].delete(String(name).toLowerCase());
    }
    keys() {
      return this[kParsed].keys();
    }
    values() {
      return this[kParsed].values();
    }
    entries() {
      return this[kParsed].entries();
    }
    [Symbol.iterator]() {
      return this[kParsed].entries();
    }
    toString() {
      let out = "";
      for (const [name, value] of this[kParsed].entries()) {
        const quoted = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/.test(value) ? value : `"${value.replace(/(["\\])/g, "\\$1")}"`;
        out += `${out ? ";" : ""}${name}=${quoted}`;
      }
      return out;
    }
    toJSON() {
      return this.toString();
    }
  }

  class MIMEType {
    #parsed;
    #params;
    constructor(input) {
      const text = String(input);
      const parsed = Parsed.parse(text);
      if (parsed === null) {
        throw makeError(TypeError, "ERR_INVALID_MIME_SYNTAX", `The MIME syntax for a type in "${text}" is invalid`);
      }
      this.#parsed = parsed;
      this.#params = new MIMEParams(parsed._parameters);
    }
    get type() {
      return this.#parsed.type;
    }
    set type(value) {
      try {
        this.#parsed.type = value;
      } catch (error) {
        throw makeError(TypeError, "ERR_INVALID_MIME_SYNTAX", error.message);
      }
    }
    get subtype() {
      return this.#parsed.subtype;
    }
    set subtype(value) {
      try {
        this.#parsed.subtype = value;
      } catch (error) {
        throw makeError(TypeError, "ERR_INVALID_MIME_SYNTAX", error.message);
      }
    }
    get essence() {
      return this.#parsed.essence;
    }
    get params() {
      return this.#params;
    }
    toString() {
      const params = this.#params.toString();
      return params ? `${this.essence};${params}` : this.essence;
    }
    toJSON() {
      return this.toString();
    }
  }
  return { MIMEType, MIMEParams };
}

export function parseArgs(config = undefined) {
  // eslint-disable-next-line no-undef -- esbuild's require, resolved at bundle time
  return require("@pkgjs/parseargs").parseArgs(config);
}

// parseEnv("A=1\nB='x'") -> { A: "1", B: "x" }: the dotenv format Node reads with --env-file.
export function parseEnv(content) {
  validateString(content, "content");
  const out = {};
  const line = /^\s*(?:export\s+)?([\w.-]+)\s*=\s*("(?:\\.|[^"\\])*"|'[^']*'|`[^`]*`|[^#\n]*)?.*$/gm;
  for (const match of content.matchAll(line)) {
    let value = (match[2] ?? "").trim();
    const quote = value[0];
    if ((quote === '"' || quote === "'" || quote === "`") && value.endsWith(quote)) {
      value = value.slice(1, -1);
      if (quote === '"') value = value.replace(/\\n/g, "\n");
    }
    out[match[1]] = value;
  }
  return out;
}
