// node:http's server over Deno.serve: `listen` hands Deno.serve a handler, so under
// `sbfn serve` the server becomes the function's request handler (the port is the one the
// function is served on, whatever the app asked for) and in a test it listens for real.
// Each request becomes an IncomingMessage (its body read from the Request's stream) and a
// ServerResponse whose head and body become the Response the handler resolves with: as soon
// as the head is sent (first write, end or flushHeaders), body chunks streaming after it.
import { makeError } from "./errors.js";
import { loadBuiltin } from "./registry.js";
import {
  STATUS_CODES,
  addHeaderMethods,
  chunkBytes,
  fromFetchHeaders,
  makeSocket,
  setHeadersFrom,
  toFetchHeaders,
} from "./http_common.js";
import { upgradeToNodeSocket } from "./http_upgrade.js";

// Statuses whose Response has no body (the Response constructor refuses one).
const NULL_BODY = new Set([101, 103, 204, 205, 304]);
// Set by the serving stack itself.
const SKIP_ON_RESPONSE = new Set(["connection", "transfer-encoding", "keep-alive"]);

// A failed Deno.serve as the error Node's listen() reports.
function listenError(error, hostname, port) {
  const inUse = error?.name === "AddrInUse" || /in use/i.test(String(error?.message));
  const denied = error?.name === "PermissionDenied" || /denied/i.test(String(error?.message));
  const code = inUse ? "EADDRINUSE" : denied ? "EACCES" : "EADDRNOTAVAIL";
  const reason = inUse ? "address already in use" : denied ? "permission denied" : "address not available";
  return Object.assign(makeError(Error, code, `listen ${code}: ${reason} ${hostname}:${port}`), {
    errno: inUse ? -98 : denied ? -13 : -99,
    syscall: "listen",
    address: hostname,
    port,
    cause: error,
  });
}

export function createHttpServer() {
  const { Readable, Writable } = loadBuiltin("stream");
  const { EventEmitter } = loadBuiltin("events");
  const { Buffer } = loadBuiltin("buffer");
  const process = loadBuiltin("process");

  class IncomingMessage extends Readable {
    constructor(socket) {
      super();
      this.socket = socket;
      this.httpVersionMajor = 1;
      this.httpVersionMinor = 1;
      this.httpVersion = "1.1";
      this.complete = false;
      this.aborted = false;
      this.headers = {};
      this.rawHeaders = [];
      this.trailers = {};
      this.rawTrailers = [];
      this.method = null;
      this.url = "";
      this.statusCode = null;
      this.statusMessage = null;
      this._reader = null;
    }
    get connection() {
      return this.socket;
    }
    // Every header's values as a list (Node 18.3+), from the raw header list.
    get headersDistinct() {
      const out = {};
      for (let i = 0; i + 1 < this.rawHeaders.length; i += 2) {
        const name = this.rawHeaders[i].toLowerCase();
        (out[name] ??= []).push(this.rawHeaders[i + 1]);
      }
      return out;
    }
    get trailersDistinct() {
      return {};
    }
    // Reads the body from a web ReadableStream (or nothing when null).
    _setBody(stream) {
      this._reader = stream === null ? null : stream.getReader();
    }
    _read() {
      if (this._reader === null) {
        this.complete = true;
        this.push(null);
        return;
      }
      this._reader.read().then(
        ({ value, done }) => {
          if (done) {
            this.complete = true;
            this.push(null);
          } else {
            this.push(Buffer.from(value.buffer, value.byteOffset, value.byteLength));
          }
        },
        (error) => {
          this.aborted = true;
          this.destroy(error);
        },
      );
    }
    _destroy(error, callback) {
      if (this._reader !== null && !this.complete) this._reader.cancel(error ?? undefined).catch(() => {});
      callback(error);
    }
    setTimeout(msecs, callback) {
      if (callback) this.once("timeout", callback);
      return this;
    }
  }

  class ServerResponse extends Writable {
    constructor(req, settle) {
      // 'close' is emitted by hand, after 'finish' or when the client goes away.
      super({ decodeStrings: false, emitClose: false });
      this.req = req;
      this.socket = req.socket;
      this.statusCode = 200;
      this.statusMessage = undefined;
      this.headersSent = false;
      this.sendDate = true;
      this.finished = false;
      this.chunkedEncoding = false;
      this.shouldKeepAlive = true;
      this._settle = settle;
      this._controller = null;
      this._pending = null;
    }
    get connection() {
      return this.socket;
    }
    writeHead(statusCode, reason, headers) {
      if (this.headersSent) {
        throw makeError(Error, "ERR_HTTP_HEADERS_SENT", "Cannot write headers after they are sent to the client");
      }
      if (typeof reason !== "string") {
        headers = reason;
        reason = undefined;
      }
      statusCode |= 0;
      if (statusCode < 100 || statusCode > 999) {
        throw makeError(RangeError, "ERR_HTTP_INVALID_STATUS_CODE", `Invalid status code: ${statusCode}`);
      }
      this.statusCode = statusCode;
      if (reason !== undefined) this.statusMessage = reason;
      setHeadersFrom(this, headers);
      return this;
    }
    writeContinue() {}
    writeProcessing() {}
    writeEarlyHints() {}
    addTrailers() {}
    setTimeout(msecs, callback) {
      if (callback) this.once("timeout", callback);
      return this;
    }
    flushHeaders() {
      if (!this.headersSent) this._sendHead(null);
    }
    // The head (and, for a response ended in one go, the whole body) as the Response the
    // handler resolves with; `body` null means the body streams after it.
    _sendHead(body) {
      this.headersSent = true;
      const status = this.statusCode;
      if (!this.hasHeader("date") && this.sendDate) this._setHeaderRaw("date", new Date().toUTCString());
      const headers = toFetchHeaders(this._headers(), SKIP_ON_RESPONSE);
      const statusText = this.statusMessage ?? STATUS_CODES[status] ?? "unknown";
      this.statusMessage = statusText;
      let responseBody = null;
      if (!NULL_BODY.has(status) && this.req.method !== "HEAD") {
        if (body !== null) {
          responseBody = body;
        } else {
          responseBody = new ReadableStream({
            start: (controller) => {
              this._controller = controller;
            },
            pull: () => {
              const pending = this._pending;
              this._pending = null;
              pending?.();
            },
            cancel: () => {
              this._controller = null;
              this.destroy();
            },
          });
        }
      } else if (body === null) {
        this._controller = false; // nothing to stream; writes are dropped, as Node drops them
      }
      // (A Response cannot carry a 1xx status; an upgrade's 101 is the upgrade path's.)
      this._settle(new Response(responseBody, { status: status < 200 ? 200 : status, statusText, headers }));
    }
    // A header the response itself adds, past the headersSent check.
    _setHeaderRaw(name, value) {
      this._headers().set(name, [name, value]);
    }
    _write(chunk, encoding, callback) {
      const bytes = chunkBytes(Buffer, chunk, encoding);
      const controller = this._controller;
      if (controller === null || controller === false) {
        callback();
        return;
      }
      controller.enqueue(new Uint8Array(bytes));
      // Back-pressure: the next write waits until the client's side pulls.
      if (controller.desiredSize > 0) callback();
      else this._pending = callback;
    }
    _final(callback) {
      if (this._controller) this._controller.close();
      this._controller = null;
      callback();
    }
    write(chunk, encoding, callback) {
      if (!this.headersSent) this._sendHead(null);
      return super.write(chunk, encoding, callback);
    }
    end(chunk, encoding, callback) {
      this.finished = true; // as Node's: from the end() call on, not from 'finish'
      if (typeof chunk === "function") {
        callback = chunk;
        chunk = undefined;
      } else if (typeof encoding === "function") {
        callback = encoding;
        encoding = undefined;
      }
      if (!this.headersSent) {
        // Ended in one go: the whole body with its length, as Node sends it.
        const bytes = chunk == null ? new Uint8Array(0) : chunkBytes(Buffer, chunk, encoding);
        if (!this.hasHeader("content-length") && !NULL_BODY.has(this.statusCode)) {
          this._setHeaderRaw("content-length", String(bytes.byteLength));
        }
        this._sendHead(new Uint8Array(bytes));
        return super.end(callback);
      }
      if (chunk != null) return super.end(chunk, encoding, callback);
      return super.end(callback);
    }
    _destroy(error, callback) {
      if (this._controller) {
        try {
          this._controller.error(error ?? new Error("response destroyed"));
        } catch {
          // already closed
        }
      }
      this._controller = null;
      if (!this.headersSent) {
        this.headersSent = true;
        this._settle(Promise.reject(error ?? makeError(Error, "ECONNRESET", "socket hang up")));
      }
      callback(error);
    }
  }
  addHeaderMethods(ServerResponse);

  class Server extends EventEmitter {
    constructor(options, requestListener) {
      super();
      if (typeof options === "function") {
        requestListener = options;
        options = {};
      }
      this._options = options ?? {};
      if (requestListener) this.on("request", requestListener);
      this.listening = false;
      this._served = null;
      this._address = null;
      this.timeout = 0;
      this.keepAliveTimeout = 5000;
      this.headersTimeout = 60000;
      this.requestTimeout = 300000;
      this.maxHeadersCount = null;
      this.encrypted = false;
    }
    setTimeout(msecs, callback) {
      if (callback) this.on("timeout", callback);
      return this;
    }
    listen(...args) {
      let port = 0;
      let hostname = "0.0.0.0";
      let callback = typeof args[args.length - 1] === "function" ? args.pop() : undefined;
      if (args[0] !== null && typeof args[0] === "object") {
        port = args[0].port ?? 0;
        hostname = args[0].host ?? hostname;
        if (args[0].path !== undefined) {
          throw makeError(Error, "ERR_NOT_SUPPORTED", "http.Server.listen: a path (Unix socket) is not supported");
        }
      } else {
        if (args[0] !== undefined && args[0] !== null) port = Number(args[0]);
        if (typeof args[1] === "string") hostname = args[1];
      }
      if (hostname === "localhost") hostname = "127.0.0.1";
      if (callback) this.once("listening", callback);
      try {
        this._served = Deno.serve(
          {
            port,
            hostname,
            onListen: (addr) => {
              this._address = { address: addr.hostname, family: addr.hostname.includes(":") ? "IPv6" : "IPv4", port: addr.port };
            },
          },
          (request, info) => this._handle(request, info),
        );
      } catch (error) {
        // Node reports a failed listen as the server's 'error' event.
        process.nextTick(() => this.emit("error", listenError(error, hostname, port)));
        return this;
      }
      this.listening = true;
      process.nextTick(() => this.emit("listening"));
      return this;
    }
    address() {
      return this.listening ? this._address : null;
    }
    close(callback) {
      if (callback) this.once("close", callback);
      const served = this._served;
      this._served = null;
      this.listening = false;
      if (served === null) {
        process.nextTick(() => this.emit("close"));
        return this;
      }
      served.shutdown().then(() => this.emit("close"));
      return this;
    }
    closeAllConnections() {}
    closeIdleConnections() {}
    ref() {
      return this;
    }
    unref() {
      return this;
    }
    _handle(request, info) {
      const remote = info?.remoteAddr ?? {};
      const socket = makeSocket(EventEmitter, {
        remoteAddress: remote.hostname,
        remotePort: remote.port,
        localAddress: this._address?.address,
        localPort: this._address?.port,
        encrypted: this.encrypted,
        server: this,
      });
      const req = new IncomingMessage(socket);
      const url = new URL(request.url);
      req.method = request.method;
      req.url = url.pathname + url.search;
      const { headers, rawHeaders } = fromFetchHeaders(request.headers);
      req.headers = headers;
      req.rawHeaders = rawHeaders;
      if (headers.upgrade !== undefined && this.listenerCount("upgrade") > 0) {
        req._setBody(null);
        return upgradeToNodeSocket(this, request, req, socket);
      }
      req._setBody(request.body);
      let settle;
      const response = new Promise((resolve) => (settle = resolve));
      const res = new ServerResponse(req, settle);
      socket.destroy = (error) => {
        socket.destroyed = true;
        res.destroy(error);
        return socket;
      };
      let closed = false;
      const close = () => {
        if (closed) return;
        closed = true;
        socket.destroyed = true;
        socket.emit("close");
        if (!req.destroyed) req.destroy();
        res.emit("close");
      };
      res.once("finish", () => queueMicrotask(close));
      // The response handed over (or the client gone) before the app ended it.
      info?.completed?.then?.(() => {
        if (!res.writableEnded) {
          if (!res.destroyed) res.destroy();
          close();
        }
      });
      this.emit("request", req, res);
      return response;
    }
  }

  function createServer(options, requestListener) {
    return new Server(options, requestListener);
  }

  return { IncomingMessage, ServerResponse, Server, createServer };
}
