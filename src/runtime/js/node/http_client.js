// node:http's and node:https's client over the runtime's fetch: one ClientRequest is one
// fetch (redirects left to the caller, as Node does), so outbound rules, proxies, DENO_CERT
// and the HTTP/2-capable client are the ones fetch uses. The request body is collected
// until end() and sent with the request (or streamed, when the app asks: see _write); the
// response body streams into the
// IncomingMessage with back-pressure. Connection pooling is the fetch engine's own: an
// Agent's options are accepted and kept, and its TLS options (ca) reach the request.
import { AbortError, invalidArgType, makeError } from "./errors.js";
import { loadBuiltin } from "./registry.js";
import { upgradeClientRequest } from "./http_upgrade.js";
import { addHeaderMethods, chunkBytes, fromFetchHeaders, makeSocket, setHeadersFrom, toFetchHeaders } from "./http_common.js";

// Headers the fetch stack sets itself from the URL and the body.
// (`expect`: the body is sent whole, and curl asks for 100-continue itself when it wants.)
const SKIP_ON_REQUEST = new Set(["host", "connection", "content-length", "transfer-encoding", "keep-alive", "expect"]);

// A fetch failure as the error Node's socket layer reports (code, errno, syscall).
export function nodeNetworkError(error, hostname, port) {
  const cause = String(error?.cause?.message ?? error?.message ?? "");
  const withFields = (code, message, fields) => Object.assign(makeError(Error, code, message), fields);
  if (/unreachable|No route/i.test(cause)) {
    return withFields("EHOSTUNREACH", `connect EHOSTUNREACH ${hostname}:${port}`, { errno: -113, syscall: "connect" });
  }
  // libcurl does not always pass the OS's reason on ("Couldn't connect to server"): a TCP
  // connect that failed otherwise is a refusal.
  if (/refused|tcp connect error/i.test(cause)) {
    return withFields("ECONNREFUSED", `connect ECONNREFUSED ${hostname}:${port}`, {
      errno: -111,
      syscall: "connect",
      address: hostname,
      port: Number(port),
    });
  }
  if (/dns error|lookup|resolve/i.test(cause)) {
    return withFields("ENOTFOUND", `getaddrinfo ENOTFOUND ${hostname}`, {
      errno: -3008,
      syscall: "getaddrinfo",
      hostname,
    });
  }
  if (/timed out/i.test(cause)) {
    return withFields("ETIMEDOUT", `connect ETIMEDOUT ${hostname}:${port}`, { errno: -110, syscall: "connect" });
  }
  if (/UnknownIssuer/.test(cause)) {
    return withFields("UNABLE_TO_VERIFY_LEAF_SIGNATURE", "unable to verify the first certificate", {});
  }
  if (/Expired/.test(cause)) return withFields("CERT_HAS_EXPIRED", "certificate has expired", {});
  if (/NotValidForName/.test(cause)) {
    return withFields("ERR_TLS_CERT_ALTNAME_INVALID", `Hostname/IP does not match certificate's altnames: Host: ${hostname}.`, {});
  }
  return withFields("ECONNRESET", "socket hang up", { cause: error });
}

export function createHttpClient(defaults) {
  const { Readable, Writable } = loadBuiltin("stream");
  const { EventEmitter } = loadBuiltin("events");
  const { Buffer } = loadBuiltin("buffer");
  const process = loadBuiltin("process");
  const { IncomingMessage } = defaults.server;

  // https.Agent extends http.Agent, as in Node.
  class Agent extends (defaults.BaseAgent ?? EventEmitter) {
    constructor(options = {}) {
      super(options);
      this.options = { path: null, ...options };
      this.keepAlive = options.keepAlive ?? false;
      this.keepAliveMsecs = options.keepAliveMsecs ?? 1000;
      this.maxSockets = options.maxSockets ?? Infinity;
      this.maxFreeSockets = options.maxFreeSockets ?? 256;
      this.maxTotalSockets = options.maxTotalSockets ?? Infinity;
      this.scheduling = options.scheduling ?? "lifo";
      this.timeout = options.timeout;
      this.defaultPort = options.defaultPort ?? defaults.port;
      this.protocol = options.protocol ?? defaults.protocol;
      this.sockets = Object.create(null);
      this.freeSockets = Object.create(null);
      this.requests = Object.create(null);
    }
    getName(options = {}) {
      let name = `${options.host || "localhost"}:`;
      if (options.port) name += options.port;
      name += ":";
      if (options.localAddress) name += options.localAddress;
      if (options.family === 4 || options.family === 6) name += `:${options.family}`;
      return name;
    }
    createConnection() {
      throw makeError(Error, "ERR_NOT_SUPPORTED", `${defaults.module}.Agent.createConnection is not supported: requests go through the runtime's fetch`);
    }
    keepSocketAlive() {
      return true;
    }
    reuseSocket() {}
    destroy() {}
  }
  const globalAgent = new Agent({ keepAlive: true, scheduling: "lifo", timeout: 5000 });

  // request(url), request(url, options), request(options), each with an optional callback.
  function normalize(input, options, callback) {
    if (typeof options === "function") {
      callback = options;
      options = undefined;
    }
    let merged = {};
    if (typeof input === "string" || input instanceof URL) {
      const url = input instanceof URL ? input : new URL(input);
      merged = {
        protocol: url.protocol,
        hostname: url.hostname.startsWith("[") ? url.hostname.slice(1, -1) : url.hostname,
        port: url.port,
        path: url.pathname + url.search,
        auth: url.username ? `${decodeURIComponent(url.username)}:${decodeURIComponent(url.password)}` : undefined,
      };
      if (options) merged = { ...merged, ...options };
    } else if (input !== null && typeof input === "object") {
      merged = { ...input, ...options };
    } else if (input !== undefined) {
      throw invalidArgType("options", ["string", "Object", "URL"], input);
    }
    if (callback !== undefined && typeof callback !== "function") throw invalidArgType("callback", "Function", callback);
    return [merged, callback];
  }

  class ClientRequest extends Writable {
    constructor(input, options, callback) {
      // Closed by hand: 'close' follows the response's end, not the body's finish.
      super({ decodeStrings: false, autoDestroy: false, emitClose: false });
      const [opts, cb] = normalize(input, options, callback);
      if (opts.socketPath !== undefined) {
        throw makeError(Error, "ERR_NOT_SUPPORTED", `${defaults.module}.request: socketPath (Unix sockets) is not supported`);
      }
      const headerList = opts.headers ?? {};
      const upgrade = Array.isArray(headerList)
        ? undefined
        : Object.entries(headerList).find(([name]) => name.toLowerCase() === "upgrade")?.[1];
      this._webSocket = String(upgrade ?? "").toLowerCase() === "websocket";
      // A WebSocket upgrade goes through the runtime's WebSocket client, whatever
      // connection the app would make (ws passes net.connect/tls.connect here).
      if (opts.createConnection !== undefined && !this._webSocket) {
        throw makeError(Error, "ERR_NOT_SUPPORTED", `${defaults.module}.request: createConnection is not supported`);
      }
      const agent = opts.agent === undefined ? globalAgent : opts.agent;
      this.agent = agent || undefined;
      const protocol = opts.protocol ?? agent?.protocol ?? defaults.protocol;
      if (protocol !== defaults.protocol) {
        throw makeError(TypeError, "ERR_INVALID_PROTOCOL", `Protocol "${protocol}" not supported. Expected "${defaults.protocol}"`);
      }
      this.protocol = protocol;
      this.method = String(opts.method ?? "GET").toUpperCase();
      this.host = opts.hostname ?? (opts.host ? String(opts.host).replace(/:\d+$/, "") : "localhost");
      this.port = opts.port || opts.defaultPort || agent?.defaultPort || defaults.port;
      this.path = opts.path ?? "/";
      if (/[\u0000-\u0020]/.test(this.path)) {
        throw makeError(TypeError, "ERR_UNESCAPED_CHARACTERS", "Request path contains unescaped characters");
      }
      this.tls = { ...agent?.options, ...opts };
      this.headersSent = false;
      this.finished = false;
      this.aborted = false;
      this.reusedSocket = false;
      this.maxHeadersCount = null;
      this.res = null;
      this._body = [];
      this._controller = new AbortController();
      this._timer = null;
      this._timeoutMs = 0;
      this.socket = makeSocket(EventEmitter, {
        remoteAddress: this.host,
        remotePort: Number(this.port),
        encrypted: protocol === "https:",
        setTimeout: (ms, cb) => {
          this.setTimeout(ms, cb);
          return this.socket;
        },
        destroy: (error) => {
          this.destroy(error);
          return this.socket;
        },
      });
      setHeadersFrom(this, opts.headers);
      if (opts.auth && !this.hasHeader("authorization")) {
        this.setHeader("Authorization", `Basic ${Buffer.from(String(opts.auth)).toString("base64")}`);
      }
      if (opts.signal !== undefined) {
        const signal = opts.signal;
        if (signal.aborted) process.nextTick(() => this.destroy(new AbortError(undefined, { cause: signal.reason })));
        else signal.addEventListener("abort", () => this.destroy(new AbortError(undefined, { cause: signal.reason })), { once: true });
      }
      if (opts.timeout !== undefined) this.setTimeout(opts.timeout);
      if (cb) this.once("response", cb);
      process.nextTick(() => {
        if (this.destroyed) return;
        this.emit("socket", this.socket);
        // Expect: 100-continue: the body is collected and sent with the request, so the
        // writer may go on at once (the AWS SDK waits for this before writing).
        if (String(this.getHeader("expect") ?? "").toLowerCase() === "100-continue") this.emit("continue");
      });
    }
    get connection() {
      return this.socket;
    }
    // The body is collected and sent whole with a Content-Length, unless the app asks for it
    // to stream (flushHeaders(), or Transfer-Encoding: chunked): then the request starts at
    // once and each write goes out as it comes, with back-pressure.
    _write(chunk, encoding, callback) {
      const bytes = Buffer.from(chunkBytes(Buffer, chunk, encoding));
      if (this._stream === undefined && /chunked/i.test(String(this.getHeader("transfer-encoding") ?? ""))) {
        this._startStreaming();
      }
      if (this._stream === undefined) {
        this._body.push(bytes);
        callback();
        return;
      }
      const controller = this._stream;
      if (controller === null) {
        callback(); // the request is gone; destroy() reports why
        return;
      }
      controller.enqueue(new Uint8Array(bytes));
      if (controller.desiredSize > 0) callback();
      else this._pendingWrite = callback;
    }
    _final(callback) {
      this.finished = true;
      if (this._stream === undefined) {
        this.headersSent = true;
        this._send(null);
      } else if (this._stream !== null) {
        this._stream.close();
      }
      callback();
    }
    flushHeaders() {
      // With a Content-Length of the app's own the body still goes whole, so that it is
      // framed by its length (fetch would send a stream chunked; S3 refuses that).
      if (this._stream === undefined && !this.headersSent && !this.hasHeader("content-length")) {
        this._startStreaming();
      }
    }
    _startStreaming() {
      this.headersSent = true;
      const body = new ReadableStream({
        start: (controller) => {
          this._stream = controller;
          for (const bytes of this._body.splice(0)) controller.enqueue(new Uint8Array(bytes));
        },
        pull: () => {
          const pending = this._pendingWrite;
          this._pendingWrite = null;
          pending?.();
        },
        cancel: () => {
          this._stream = null;
        },
      });
      this._send(body);
    }
    setNoDelay() {}
    setSocketKeepAlive() {}
    // Emits `timeout` after `ms` without activity (Node's socket idle timeout).
    setTimeout(ms, callback) {
      if (callback) this.once("timeout", callback);
      this._timeoutMs = ms;
      this._armTimer();
      return this;
    }
    _armTimer() {
      clearTimeout(this._timer);
      this._timer = null;
      if (this._timeoutMs > 0 && !this.destroyed) {
        this._timer = setTimeout(() => {
          this._timer = null;
          this.emit("timeout");
          this.socket.emit("timeout");
        }, this._timeoutMs);
      }
    }
    abort() {
      if (this.aborted) return;
      this.aborted = true;
      process.nextTick(() => this.emit("abort"));
      this.destroy();
    }
    _destroy(error, callback) {
      clearTimeout(this._timer);
      if (this._stream) {
        try {
          this._stream.error(error ?? new Error("request destroyed"));
        } catch {
          // already closed
        }
      }
      this._stream = null;
      this._controller.abort();
      this.res?.destroy(error === null ? undefined : error);
      // A request destroyed before its response: Node reports the hang-up.
      if (this.res === null && error == null && !this.aborted) error = makeError(Error, "ECONNRESET", "socket hang up");
      callback(error);
      process.nextTick(() => this._emitClose());
    }
    _emitClose() {
      if (this._closed) return;
      this._closed = true;
      this.emit("close");
    }
    // `stream`: the body as a ReadableStream when it streams, else null (the collected one).
    _send(stream) {
      let url;
      const hostname = this.host.includes(":") ? `[${this.host}]` : this.host;
      try {
        url = new URL(`${this.protocol}//${hostname}:${this.port}${this.path.startsWith("/") ? "" : "/"}${this.path}`);
      } catch {
        process.nextTick(() => this.destroy(makeError(TypeError, "ERR_INVALID_URL", `Invalid URL: ${this.path}`)));
        return;
      }
      if (this._webSocket || String(this.getHeader("upgrade") ?? "").toLowerCase() === "websocket") {
        upgradeClientRequest(this, url, IncomingMessage, (error) => {
          if (!this.destroyed) this.destroy(error);
        });
        return;
      }
      const headers = toFetchHeaders(this._headers(), SKIP_ON_REQUEST);
      // Node asks for no content coding of its own; fetch would ask for gzip and br and
      // decode them, leaving a Content-Encoding header the body no longer has.
      if (!headers.has("accept-encoding")) headers.set("accept-encoding", "identity");
      const hostHeader = this.getHeader("host");
      if (hostHeader !== undefined && String(hostHeader) !== url.host) headers.set("host", String(hostHeader));
      const body = stream ?? (this._body.length === 0 ? null : Buffer.concat(this._body));
      const init = { method: this.method, headers, redirect: "manual", signal: this._controller.signal };
      if (body !== null && this.method !== "GET" && this.method !== "HEAD") init.body = body;
      if (stream) init.duplex = "half";
      let client;
      try {
        client = defaults.clientFor?.(this.tls);
      } catch (error) {
        process.nextTick(() => this.destroy(error));
        return;
      }
      if (client) init.client = client;
      this._armTimer();
      fetch(url, init).then(
        (response) => this._onResponse(response),
        (error) => {
          if (this.destroyed) return;
          this.destroy(nodeNetworkError(error, this.host, this.port));
        },
      );
    }
    _onResponse(response) {
      if (this.destroyed) {
        response.body?.cancel().catch(() => {});
        return;
      }
      this._armTimer();
      const res = new IncomingMessage(this.socket);
      res.req = this;
      res.statusCode = response.status;
      res.statusMessage = response.statusText;
      res.url = "";
      const { headers, rawHeaders } = fromFetchHeaders(response.headers);
      res.headers = headers;
      res.rawHeaders = rawHeaders;
      res._setBody(response.body);
      res.on("data", () => this._armTimer());
      res.once("end", () => {
        clearTimeout(this._timer);
        process.nextTick(() => this._emitClose());
      });
      this.res = res;
      if (!this.emit("response", res)) res.resume(); // nobody reads it: drain it, as Node does
    }
  }
  addHeaderMethods(ClientRequest);

  function request(input, options, callback) {
    return new ClientRequest(input, options, callback);
  }
  function get(input, options, callback) {
    const req = new ClientRequest(input, options, callback);
    req.end();
    return req;
  }
  return { Agent, ClientRequest, globalAgent, request, get };
}
