// What node:http's client and server share: the status and method tables, header name and
// value checks (Node's codes and messages), the header store of an outgoing message, and the
// conversions between Node's header shapes and the Fetch API's Headers.
import { invalidArgType, makeError } from "./errors.js";

export const STATUS_CODES = {
  100: "Continue",
  101: "Switching Protocols",
  102: "Processing",
  103: "Early Hints",
  200: "OK",
  201: "Created",
  202: "Accepted",
  203: "Non-Authoritative Information",
  204: "No Content",
  205: "Reset Content",
  206: "Partial Content",
  207: "Multi-Status",
  208: "Already Reported",
  226: "IM Used",
  300: "Multiple Choices",
  301: "Moved Permanently",
  302: "Found",
  303: "See Other",
  304: "Not Modified",
  305: "Use Proxy",
  307: "Temporary Redirect",
  308: "Permanent Redirect",
  400: "Bad Request",
  401: "Unauthorized",
  402: "Payment Required",
  403: "Forbidden",
  404: "Not Found",
  405: "Method Not Allowed",
  406: "Not Acceptable",
  407: "Proxy Authentication Required",
  408: "Request Timeout",
  409: "Conflict",
  410: "Gone",
  411: "Length Required",
  412: "Precondition Failed",
  413: "Payload Too Large",
  414: "URI Too Long",
  415: "Unsupported Media Type",
  416: "Range Not Satisfiable",
  417: "Expectation Failed",
  418: "I'm a Teapot",
  421: "Misdirected Request",
  422: "Unprocessable Entity",
  423: "Locked",
  424: "Failed Dependency",
  425: "Too Early",
  426: "Upgrade Required",
  428: "Precondition Required",
  429: "Too Many Requests",
  431: "Request Header Fields Too Large",
  451: "Unavailable For Legal Reasons",
  500: "Internal Server Error",
  501: "Not Implemented",
  502: "Bad Gateway",
  503: "Service Unavailable",
  504: "Gateway Timeout",
  505: "HTTP Version Not Supported",
  506: "Variant Also Negotiates",
  507: "Insufficient Storage",
  508: "Loop Detected",
  509: "Bandwidth Limit Exceeded",
  510: "Not Extended",
  511: "Network Authentication Required",
};

export const METHODS = [
  "ACL", "BIND", "CHECKOUT", "CONNECT", "COPY", "DELETE", "GET", "HEAD", "LINK", "LOCK",
  "M-SEARCH", "MERGE", "MKACTIVITY", "MKCALENDAR", "MKCOL", "MOVE", "NOTIFY", "OPTIONS",
  "PATCH", "POST", "PROPFIND", "PROPPATCH", "PURGE", "PUT", "QUERY", "REBIND", "REPORT",
  "SEARCH", "SOURCE", "SUBSCRIBE", "TRACE", "UNBIND", "UNLINK", "UNLOCK", "UNSUBSCRIBE",
];

const TOKEN = /^[\^_`a-zA-Z\-0-9!#$%&'*+.|~]+$/;
const INVALID_VALUE = /[^\t\x20-\x7e\x80-\xff]/;

export function validateHeaderName(name, label = "Header name") {
  if (typeof name !== "string" || !name || !TOKEN.test(name)) {
    throw makeError(TypeError, "ERR_INVALID_HTTP_TOKEN", `${label} must be a valid HTTP token ["${name}"]`);
  }
}

export function validateHeaderValue(name, value) {
  if (value === undefined) {
    throw makeError(TypeError, "ERR_HTTP_INVALID_HEADER_VALUE", `Invalid value "${value}" for header "${name}"`);
  }
  if (INVALID_VALUE.test(String(value))) {
    throw makeError(TypeError, "ERR_INVALID_CHAR", `Invalid character in header content ["${name}"]`);
  }
}

// The header store of an outgoing message (ClientRequest, ServerResponse): names keep the
// case they were set with, lookups ignore it, as Node's OutgoingMessage does.
export const headerMethods = {
  setHeader(name, value) {
    if (this.headersSent) {
      throw makeError(Error, "ERR_HTTP_HEADERS_SENT", "Cannot set headers after they are sent to the client");
    }
    validateHeaderName(name);
    validateHeaderValue(name, value);
    this._headers().set(name.toLowerCase(), [name, value]);
    return this;
  },
  appendHeader(name, value) {
    const key = name.toLowerCase();
    const existing = this._headers().get(key);
    if (existing === undefined) return this.setHeader(name, value);
    const values = [].concat(existing[1], value);
    this._headers().set(key, [existing[0], values]);
    return this;
  },
  getHeader(name) {
    if (typeof name !== "string") throw invalidArgType("name", "string", name);
    return this._headers().get(name.toLowerCase())?.[1];
  },
  hasHeader(name) {
    return this._headers().has(String(name).toLowerCase());
  },
  removeHeader(name) {
    if (this.headersSent) {
      throw makeError(Error, "ERR_HTTP_HEADERS_SENT", "Cannot remove headers after they are sent to the client");
    }
    this._headers().delete(String(name).toLowerCase());
  },
  getHeaders() {
    const out = Object.create(null);
    for (const [key, [, value]] of this._headers()) out[key] = value;
    return out;
  },
  getHeaderNames() {
    return [...this._headers().keys()];
  },
  getRawHeaderNames() {
    return [...this._headers().values()].map(([name]) => name);
  },
};

export function addHeaderMethods(Class) {
  for (const [name, method] of Object.entries(headerMethods)) {
    Object.defineProperty(Class.prototype, name, { value: method, writable: true, configurable: true });
  }
  Class.prototype._headers = function headers() {
    this._headerStore ??= new Map();
    return this._headerStore;
  };
}

// Node's header shapes ({name: value | [values]} or a flat [name, value, ...] list) into
// a header store.
export function setHeadersFrom(message, headers) {
  if (headers == null) return;
  if (Array.isArray(headers)) {
    if (headers.length > 0 && Array.isArray(headers[0])) {
      for (const [name, value] of headers) message.appendHeader(name, value);
    } else {
      for (let i = 0; i + 1 < headers.length; i += 2) message.appendHeader(headers[i], headers[i + 1]);
    }
    return;
  }
  for (const name of Object.keys(headers)) {
    if (headers[name] !== undefined) message.setHeader(name, headers[name]);
  }
}

// A header store as Fetch Headers (skipping what the fetch stack computes itself).
export function toFetchHeaders(store, skip = new Set()) {
  const headers = new Headers();
  for (const [key, [, value]] of store) {
    if (skip.has(key)) continue;
    if (Array.isArray(value)) {
      for (const v of value) headers.append(key, String(v));
    } else {
      headers.append(key, String(value));
    }
  }
  return headers;
}

// Fetch Headers as an IncomingMessage's `headers` (lower-case names; duplicates joined with
// ", ", set-cookie an array, as Node's parser does) and `rawHeaders` (a flat list; the
// Fetch API does not keep the wire's name case, so names are lower-case).
export function fromFetchHeaders(fetchHeaders) {
  const headers = {};
  const rawHeaders = [];
  for (const [name, value] of fetchHeaders) {
    if (name === "set-cookie") continue;
    headers[name] = value;
    rawHeaders.push(name, value);
  }
  const cookies = typeof fetchHeaders.getSetCookie === "function" ? fetchHeaders.getSetCookie() : [];
  if (cookies.length > 0) {
    headers["set-cookie"] = cookies;
    for (const cookie of cookies) rawHeaders.push("set-cookie", cookie);
  }
  return { headers, rawHeaders };
}

// Bytes of a chunk a message writes (string in an encoding, Buffer, Uint8Array).
export function chunkBytes(Buffer, chunk, encoding) {
  if (typeof chunk === "string") return Buffer.from(chunk, encoding || "utf8");
  if (chunk instanceof Uint8Array) return chunk;
  if (ArrayBuffer.isView(chunk)) return new Uint8Array(chunk.buffer, chunk.byteOffset, chunk.byteLength);
  throw invalidArgType("chunk", ["string", "Buffer", "Uint8Array"], chunk);
}

// A stand-in for the connection a message rides on: what packages read off `socket`
// (remoteAddress, encrypted, setTimeout, destroy) without a socket the runtime does not give.
export function makeSocket(EventEmitter, fields) {
  const socket = new EventEmitter();
  Object.assign(socket, {
    remoteAddress: undefined,
    remotePort: undefined,
    remoteFamily: "IPv4",
    localAddress: undefined,
    localPort: undefined,
    encrypted: false,
    readable: true,
    writable: true,
    destroyed: false,
    bytesWritten: 0,
    bytesRead: 0,
    setTimeout() {
      return this;
    },
    setNoDelay() {
      return this;
    },
    setKeepAlive() {
      return this;
    },
    ref() {
      return this;
    },
    unref() {
      return this;
    },
    address() {
      return { address: this.localAddress, family: "IPv4", port: this.localPort };
    },
    ...fields,
  });
  return socket;
}
