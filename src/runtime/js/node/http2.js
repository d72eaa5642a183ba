// node:http2: the client over the runtime's fetch, which speaks HTTP/2 (ALPN h2) to TLS
// servers: a session is the authority plus its TLS options, each session.request() stream
// one fetch (request headers and body out, `response` with the :status and headers, the
// body streamed in). Plain-text authorities (h2c) are reached over HTTP/1.1, which fetch
// speaks there. Servers (createServer, createSecureServer) are not supported: `sbfn serve`
// owns the listener.
import { makeError } from "./errors.js";
import { loadBuiltin } from "./registry.js";
import { STATUS_CODES } from "./http_common.js";
import { nodeNetworkError } from "./http_client.js";
import { clientFor } from "./https.js";

const HEADER_NAMES = [
  "status", "method", "authority", "scheme", "path", "protocol", "accept-encoding", "accept-language",
  "accept-ranges", "accept", "access-control-allow-credentials", "access-control-allow-headers",
  "access-control-allow-methods", "access-control-allow-origin", "access-control-expose-headers",
  "access-control-request-headers", "access-control-request-method", "age", "authorization",
  "cache-control", "connection", "content-disposition", "content-encoding", "content-length",
  "content-type", "cookie", "date", "etag", "forwarded", "host", "if-modified-since", "if-none-match",
  "if-range", "last-modified", "link", "location", "range", "referer", "server", "set-cookie",
  "strict-transport-security", "transfer-encoding", "te", "upgrade-insecure-requests", "upgrade",
  "user-agent", "vary", "x-content-type-options", "x-frame-options", "keep-alive", "proxy-connection",
  "x-xss-protection", "alt-svc", "content-security-policy", "early-data", "expect-ct", "origin",
  "purpose", "timing-allow-origin", "x-forwarded-for", "priority", "accept-charset",
  "access-control-max-age", "allow", "content-language", "content-location", "content-md5",
  "content-range", "dnt", "expect", "expires", "from", "if-match", "if-unmodified-since",
  "max-forwards", "prefer", "proxy-authenticate", "proxy-authorization", "refresh", "retry-after",
  "trailer", "tk", "via", "warning", "www-authenticate", "http2-settings",
];
const PSEUDO = new Set(["status", "method", "authority", "scheme", "path", "protocol"]);
const ERROR_CODES = [
  "NO_ERROR", "PROTOCOL_ERROR", "INTERNAL_ERROR", "FLOW_CONTROL_ERROR", "SETTINGS_TIMEOUT",
  "STREAM_CLOSED", "FRAME_SIZE_ERROR", "REFUSED_STREAM", "CANCEL", "COMPRESSION_ERROR",
  "CONNECT_ERROR", "ENHANCE_YOUR_CALM", "INADEQUATE_SECURITY", "HTTP_1_1_REQUIRED",
];
const METHODS = [
  "ACL", "BASELINE_CONTROL", "BIND", "CHECKIN", "CHECKOUT", "CONNECT", "COPY", "DELETE", "GET",
  "HEAD", "LABEL", "LINK", "LOCK", "MERGE", "MKACTIVITY", "MKCALENDAR", "MKCOL", "MKREDIRECTREF",
  "MKWORKSPACE", "MOVE", "OPTIONS", "ORDERPATCH", "PATCH", "POST", "PRI", "PROPFIND", "PROPPATCH",
  "PUT", "REBIND", "REPORT", "SEARCH", "TRACE", "UNBIND", "UNCHECKOUT", "UNLINK", "UNLOCK",
  "UPDATE", "UPDATEREDIRECTREF", "VERSION_CONTROL",
];
// Node's names where the reason phrase does not give them.
const STATUS_NAMES = { 418: "TEAPOT", 203: "NON_AUTHORITATIVE_INFORMATION" };

function makeConstants() {
  const constants = {
    NGHTTP2_SESSION_SERVER: 0,
    NGHTTP2_SESSION_CLIENT: 1,
    NGHTTP2_FLAG_NONE: 0,
    NGHTTP2_FLAG_END_STREAM: 1,
    NGHTTP2_FLAG_END_HEADERS: 4,
    NGHTTP2_FLAG_ACK: 1,
    NGHTTP2_FLAG_PADDED: 8,
    NGHTTP2_FLAG_PRIORITY: 32,
    NGHTTP2_DEFAULT_WEIGHT: 16,
    NGHTTP2_SETTINGS_HEADER_TABLE_SIZE: 1,
    NGHTTP2_SETTINGS_ENABLE_PUSH: 2,
    NGHTTP2_SETTINGS_MAX_CONCURRENT_STREAMS: 3,
    NGHTTP2_SETTINGS_INITIAL_WINDOW_SIZE: 4,
    NGHTTP2_SETTINGS_MAX_FRAME_SIZE: 5,
    NGHTTP2_SETTINGS_MAX_HEADER_LIST_SIZE: 6,
    NGHTTP2_SETTINGS_ENABLE_CONNECT_PROTOCOL: 8,
    DEFAULT_SETTINGS_HEADER_TABLE_SIZE: 4096,
    DEFAULT_SETTINGS_ENABLE_PUSH: 1,
    DEFAULT_SETTINGS_MAX_CONCURRENT_STREAMS: 4294967295,
    DEFAULT_SETTINGS_INITIAL_WINDOW_SIZE: 65535,
    DEFAULT_SETTINGS_MAX_FRAME_SIZE: 16384,
    DEFAULT_SETTINGS_MAX_HEADER_LIST_SIZE: 65535,
    DEFAULT_SETTINGS_ENABLE_CONNECT_PROTOCOL: 0,
    MAX_MAX_FRAME_SIZE: 16777215,
    MIN_MAX_FRAME_SIZE: 16384,
    MAX_INITIAL_WINDOW_SIZE: 2147483647,
    PADDING_STRATEGY_NONE: 0,
    PADDING_STRATEGY_ALIGNED: 1,
    PADDING_STRATEGY_MAX: 2,
    PADDING_STRATEGY_CALLBACK: 1,
  };
  ERROR_CODES.forEach((name, i) => (constants[`NGHTTP2_${name}`] = i));
  for (const name of HEADER_NAMES) {
    const key = name.toUpperCase().replace(/-/g, "_");
    constants[`HTTP2_HEADER_${key}`] = PSEUDO.has(name) ? `:${name}` : name;
  }
  for (const method of METHODS) constants[`HTTP2_METHOD_${method}`] = method.replace(/_/g, "-");
  for (const [code, reason] of Object.entries(STATUS_CODES)) {
    const name = STATUS_NAMES[code] ?? reason.toUpperCase().replace(/'/g, "").replace(/[^A-Z0-9]+/g, "_");
    constants[`HTTP_STATUS_${name}`] = Number(code);
  }
  return constants;
}

function notSupported(what) {
  return () => {
    throw makeError(Error, "ERR_NOT_SUPPORTED", `http2.${what} is not supported in sbfn: the serving stack owns the listener (use Deno.serve or http.createServer)`);
  };
}

export function createHttp2() {
  const { Duplex } = loadBuiltin("stream");
  const { EventEmitter } = loadBuiltin("events");
  const { Buffer } = loadBuiltin("buffer");
  const process = loadBuiltin("process");
  const constants = makeConstants();

  class ClientHttp2Stream extends Duplex {
    constructor(session, headers) {
      super({ autoDestroy: false, emitClose: false });
      this.session = session;
      this.sentHeaders = headers;
      this.rstCode = undefined;
      this.id = session._nextId += 2;
      this.pending = false;
      this.aborted = false;
      this._h2closed = false;
      this._body = [];
      this._reader = null;
      this._controller = new AbortController();
    }
    get closed() {
      return this._h2closed;
    }
    get endAfterHeaders() {
      return false;
    }
    setTimeout(ms, callback) {
      if (callback) this.once("timeout", callback);
      return this;
    }
    priority() {}
    sendTrailers() {}
    _write(chunk, encoding, callback) {
      this._body.push(Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk, encoding));
      callback();
    }
    _final(callback) {
      this._send();
      callback();
    }
    // Until the response arrives there is nothing to read; its arrival starts the reading.
    _read() {
      if (this._reader === null) return;
      this._reader.read().then(
        ({ value, done }) => {
          if (done) {
            this.push(null);
            this._finish(constants.NGHTTP2_NO_ERROR);
          } else {
            this.push(Buffer.from(value.buffer, value.byteOffset, value.byteLength));
          }
        },
        (error) => this.destroy(error),
      );
    }
    close(code = constants.NGHTTP2_NO_ERROR, callback) {
      if (callback) this.once("close", callback);
      this.rstCode = code;
      this._controller.abort();
      this._reader?.cancel().catch(() => {});
      this.push(null);
      this._finish(code);
    }
    _destroy(error, callback) {
      this._controller.abort();
      this._reader?.cancel().catch(() => {});
      this._finish(error ? constants.NGHTTP2_INTERNAL_ERROR : constants.NGHTTP2_CANCEL);
      callback(error);
    }
    _finish(code) {
      if (this._h2closed) return;
      this._h2closed = true;
      this.rstCode ??= code;
      process.nextTick(() => {
        this.emit("close");
        this.session._streams.delete(this);
        this.session._maybeClosed();
      });
    }
    _send() {
      const session = this.session;
      const headers = new Headers();
      let method = "GET";
      let path = "/";
      for (const [name, value] of Object.entries(this.sentHeaders)) {
        const lower = name.toLowerCase();
        if (lower === ":method") method = String(value);
        else if (lower === ":path") path = String(value);
        else if (lower.startsWith(":")) continue;
        else if (Array.isArray(value)) for (const v of value) headers.append(lower, String(v));
        else if (value !== undefined) headers.append(lower, String(value));
      }
      // No content coding unless asked (fetch would ask for gzip and br and decode them).
      if (!headers.has("accept-encoding")) headers.set("accept-encoding", "identity");
      const body = this._body.length === 0 ? undefined : Buffer.concat(this._body);
      const init = { method, headers, redirect: "manual", signal: this._controller.signal };
      if (body !== undefined && method !== "GET" && method !== "HEAD") init.body = body;
      if (session._client) init.client = session._client;
      const url = new URL(path, session._origin);
      fetch(url, init).then(
        (response) => {
          if (this.destroyed || this.closed) {
            response.body?.cancel().catch(() => {});
            return;
          }
          const responseHeaders = { ":status": response.status };
          for (const [name, value] of response.headers) {
            if (name !== "set-cookie") responseHeaders[name] = value;
          }
          const cookies = response.headers.getSetCookie();
          if (cookies.length > 0) responseHeaders["set-cookie"] = cookies;
          this._reader = response.body === null ? null : response.body.getReader();
          this.emit("response", responseHeaders, constants.NGHTTP2_FLAG_END_HEADERS);
          if (this._reader === null) {
            this.push(null);
            this._finish(constants.NGHTTP2_NO_ERROR);
          } else {
            this._read();
          }
        },
        (error) => {
          if (this.destroyed || this.closed) return;
          const url = new URL(session._origin);
          const failure = nodeNetworkError(error, url.hostname, url.port || 443);
          session._fail(failure);
          this.destroy(failure);
        },
      );
    }
  }
  class ClientHttp2Session extends EventEmitter {
    constructor(authority, options) {
      super();
      const origin = authority instanceof URL ? authority : new URL(String(authority));
      if (origin.protocol !== "https:" && origin.protocol !== "http:") {
        throw makeError(TypeError, "ERR_HTTP2_UNSUPPORTED_PROTOCOL", `protocol "${origin.protocol}" is unsupported.`);
      }
      this._origin = origin.origin;
      this._streams = new Set();
      this._nextId = -1;
      this._closing = false;
      this.closed = false;
      this.destroyed = false;
      this.connecting = true;
      this.encrypted = origin.protocol === "https:";
      this.alpnProtocol = this.encrypted ? "h2" : "h2c";
      this.originSet = [this._origin];
      this.type = constants.NGHTTP2_SESSION_CLIENT;
      this.localSettings = {};
      this.remoteSettings = {};
      this.pendingSettingsAck = false;
      this.socket = null;
      this._client = clientFor(options ?? {}) ?? null;
      process.nextTick(() => {
        if (this.destroyed) return;
        this.connecting = false;
        this.emit("connect", this, null);
      });
    }
    request(headers = {}, options = {}) {
      if (this.closed || this.destroyed) {
        throw makeError(Error, "ERR_HTTP2_INVALID_SESSION", "The session has been destroyed");
      }
      const stream = new ClientHttp2Stream(this, { ":method": "GET", ":path": "/", ...headers });
      this._streams.add(stream);
      const method = String(stream.sentHeaders[":method"]).toUpperCase();
      if (options.endStream || method === "GET" || method === "HEAD") stream.end();
      if (options.signal) {
        const abort = () => stream.destroy(makeError(Error, "ABORT_ERR", "The operation was aborted"));
        if (options.signal.aborted) process.nextTick(abort);
        else options.signal.addEventListener("abort", abort, { once: true });
      }
      return stream;
    }
    settings(settings, callback) {
      if (callback) process.nextTick(callback, null, settings, 0);
    }
    ping(payload, callback) {
      if (typeof payload === "function") callback = payload;
      if (callback) process.nextTick(callback, null, 0, Buffer.alloc(8));
      return true;
    }
    setTimeout(ms, callback) {
      if (callback) this.once("timeout", callback);
    }
    setLocalWindowSize() {}
    ref() {}
    unref() {}
    goaway() {}
    close(callback) {
      if (callback) this.once("close", callback);
      this.closed = true;
      this._maybeClosed();
    }
    destroy(error, code) {
      if (this.destroyed) return;
      this.destroyed = true;
      this.closed = true;
      for (const stream of this._streams) stream.destroy();
      process.nextTick(() => {
        if (error) this.emit("error", error);
        this.emit("close");
      });
    }
    _fail(error) {
      if (this._streams.size <= 1) this.destroy(error);
    }
    _maybeClosed() {
      if (this.closed && !this.destroyed && this._streams.size === 0) {
        this.destroyed = true;
        process.nextTick(() => this.emit("close"));
      }
    }
  }

  function connect(authority, options, listener) {
    if (typeof options === "function") {
      listener = options;
      options = undefined;
    }
    const session = new ClientHttp2Session(authority, options);
    if (listener) session.once("connect", listener);
    return session;
  }

  return {
    connect,
    constants,
    ClientHttp2Session,
    ClientHttp2Stream,
    createServer: notSupported("createServer"),
    createSecureServer: notSupported("createSecureServer"),
    getDefaultSettings: () => ({
      headerTableSize: 4096,
      enablePush: true,
      initialWindowSize: 65535,
      maxFrameSize: 16384,
      maxConcurrentStreams: 4294967295,
      maxHeaderListSize: 65535,
      maxHeaderSize: 65535,
      enableConnectProtocol: false,
    }),
    getPackedSettings: notSupported("getPackedSettings"),
    getUnpackedSettings: notSupported("getUnpackedSettings"),
    sensitiveHeaders: Symbol("nodejs.http2.sensitiveHeaders"),
  };
}
