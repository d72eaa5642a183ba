// node:net: client sockets over the runtime's own connections (Deno.connect's, in
// js/deno_net.js and api/net_sockets.cpp), so the runtime's outbound rules hold for them
// too. A Socket is a stream.Duplex that reads one chunk per _read and writes each chunk
// whole. A function cannot listen: createServer and Server fail with ERR_NOT_SUPPORTED.
import { host } from "./runtime.js";
import { invalidArgType, makeError, outOfRange } from "./errors.js";
import { loadBuiltin } from "./registry.js";
import { isIP, isIPv4, isIPv6 } from "./net_address.js";
import { BlockList } from "./net_blocklist.js";
import { nodeSocketError } from "./net_errors.js";

const kChunkSize = 64 * 1024;

function notSupported(what) {
  return makeError(Error, "ERR_NOT_SUPPORTED", `${what} is not supported: a function cannot accept connections`);
}

// connect()'s arguments as Node reads them: (options[, cb]), (port[, host][, cb]),
// (path[, cb]).
function normalizeConnectArgs(args) {
  let options;
  if (args[0] !== null && typeof args[0] === "object") {
    options = { ...args[0] };
  } else if (typeof args[0] === "string" && !/^\d+$/.test(args[0])) {
    options = { path: args[0] };
  } else {
    options = { port: args[0] };
    if (typeof args[1] === "string") options.host = args[1];
  }
  const last = args[args.length - 1];
  return [options, typeof last === "function" ? last : undefined];
}

function checkPort(port) {
  if (typeof port !== "number" && typeof port !== "string") {
    throw invalidArgType("options.port", ["number", "string"], port);
  }
  const number = Number(port);
  if ((typeof port === "string" && port.trim() === "") || !Number.isInteger(number) || number < 0 || number > 65535) {
    throw makeError(RangeError, "ERR_SOCKET_BAD_PORT", `Port should be >= 0 and < 65536. Received ${typeof port === "string" ? `type string ('${port}')` : `type number (${port})`}.`);
  }
  return number;
}

export function createNet() {
  const { Duplex } = loadBuiltin("stream");
  const { Buffer } = loadBuiltin("buffer");
  const EventEmitter = loadBuiltin("events");
  const { nextTick } = loadBuiltin("process");

  class Socket extends Duplex {
    constructor(options = {}) {
      if (typeof options === "number") options = {}; // a file descriptor: never here
      super({
        allowHalfOpen: Boolean(options.allowHalfOpen),
        emitClose: false, // 'close' carries hadError, emitted by _destroy
        autoDestroy: true,
        decodeStrings: false,
        readableHighWaterMark: options.readableHighWaterMark,
        writableHighWaterMark: options.writableHighWaterMark,
      });
      if (options.fd !== undefined || options.handle !== undefined) {
        throw makeError(Error, "ERR_NOT_SUPPORTED", "net.Socket: fd and handle options are not supported");
      }
      this.connecting = false;
      this._conn = null; // the runtime's connection (a Deno.Conn) once connected
      this._hadError = false;
      this._readInFlight = false;
      this._wantRead = false;
      this._pendingWrite = null;
      this._timeoutMs = 0;
      this._timer = null;
      this._bytesWritten = 0;
      this.bytesRead = 0;
      this.remoteAddress = undefined;
      this.remotePort = undefined;
      this.remoteFamily = undefined;
      this.localAddress = undefined;
      this.localPort = undefined;
      this._host = null;
      if (options.signal) {
        const abort = () => {
          const error = makeError(Error, "ABORT_ERR", "The operation was aborted");
          error.name = "AbortError";
          this.destroy(error);
        };
        if (options.signal.aborted) nextTick(abort);
        else options.signal.addEventListener("abort", abort, { once: true });
      }
    }

    get pending() {
      return this._conn === null;
    }

    get bytesWritten() {
      return this._bytesWritten;
    }

    get readyState() {
      if (this.connecting) return "opening";
      if (this.readable && this.writable) return "open";
      if (this.readable && !this.writable) return "readOnly";
      if (!this.readable && this.writable) return "writeOnly";
      return "closed";
    }

    connect(...args) {
      const [options, callback] = normalizeConnectArgs(args);
      if (options.path !== undefined) {
        throw makeError(Error, "ERR_NOT_SUPPORTED", "net.Socket.connect: Unix domain sockets are not supported in functions");
      }
      const port = checkPort(options.port);
      const hostname = options.host || "localhost";
      if (typeof hostname !== "string") throw invalidArgType("options.host", "string", hostname);
      if (callback) this.once("connect", callback);
      if (this.connecting || this._conn) return this;
      this.connecting = true;
      this._host = hostname;
      host.net.connect({ hostname, port }).then((conn) => {
        if (this.destroyed) {
          try { conn.close(); } catch { /* already closed */ }
          return;
        }
        this._attach(conn);
        this.emit("connect");
        this.emit("ready");
      }, (error) => {
        this.connecting = false;
        this.destroy(nodeSocketError(error, "connect", hostname, port));
      });
      return this;
    }

    // The connection is this socket's now: addresses, then what waited for it.
    _attach(conn) {
      this._conn = conn;
      this.connecting = false;
      const remote = conn.remoteAddr;
      const local = conn.localAddr;
      this.remoteAddress = remote.hostname;
      this.remotePort = remote.port;
      this.remoteFamily = isIPv6(remote.hostname) ? "IPv6" : "IPv4";
      this.localAddress = local.hostname;
      this.localPort = local.port;
      this._touch();
      const pending = this._pendingWrite;
      this._pendingWrite = null;
      if (pending) this._write(...pending);
      // Reading starts now unless paused, as Node's sockets do: a peer's error or reset
      // shows even before anyone listens for data (what came waits in the buffer).
      if (this._wantRead || !this.isPaused()) {
        this._wantRead = false;
        this._read();
      }
    }

    _read() {
      if (!this._conn) {
        this._wantRead = true;
        return;
      }
      if (this._readInFlight || this._upgrading) return;
      this._readInFlight = true;
      const conn = this._conn;
      // One read at a time: the buffer is reused, and each chunk pushed is a copy of what
      // came (a few bytes, often, for a database's replies).
      const buffer = (this._readBuffer ??= new Uint8Array(kChunkSize));
      conn.read(buffer).then((n) => {
        this._readInFlight = false;
        if (this.destroyed || conn !== this._conn) return;
        this._touch();
        if (n === null) {
          this.push(null);
          return;
        }
        this.bytesRead += n;
        this.push(Buffer.from(buffer.subarray(0, n)));
      }, (error) => {
        this._readInFlight = false;
        // Cancelled by a TLS upgrade, or the socket is closing anyway.
        if (this.destroyed || this._upgrading || conn !== this._conn) return;
        this.destroy(nodeSocketError(error, "read"));
      });
    }

    _write(chunk, encoding, callback) {
      if (!this._conn) {
        if (!this.connecting) {
          callback(makeError(Error, "ERR_SOCKET_CLOSED", "Socket is closed"));
          return;
        }
        this._pendingWrite = [chunk, encoding, callback];
        return;
      }
      const bytes = typeof chunk === "string" ? Buffer.from(chunk, encoding) : chunk;
      const conn = this._conn;
      conn.write(bytes).then((n) => {
        this._bytesWritten += n;
        this._touch();
        callback();
      }, (error) => callback(nodeSocketError(error, "write")));
    }

    _final(callback) {
      if (!this._conn) {
        // end() before the connection: finish once connected (or fail with it).
        this.once("connect", () => this._final(callback));
        return;
      }
      this._conn.closeWrite().then(() => callback(), () => callback());
    }

    _destroy(error, callback) {
      this._clearTimer();
      this.connecting = false;
      const conn = this._conn;
      this._conn = null;
      if (conn && !this._handedOver) {
        try { conn.close(); } catch { /* closed already */ }
      }
      if (this._pendingWrite) {
        const [, , cb] = this._pendingWrite;
        this._pendingWrite = null;
        cb(error ?? makeError(Error, "ERR_SOCKET_CLOSED", "Socket is closed"));
      }
      this._hadError = Boolean(error);
      callback(error);
      nextTick(() => this.emit("close", this._hadError));
    }

    destroySoon() {
      if (this.writable) this.end();
      if (this.writableFinished) this.destroy();
      else this.once("finish", () => this.destroy());
    }

    resetAndDestroy() {
      return this.destroy();
    }

    // Idle timeout: 'timeout' after `ms` without reads or writes (the socket stays open).
    setTimeout(ms, callback) {
      if (typeof ms !== "number" || !(ms >= 0)) throw invalidArgType("msecs", "number", ms);
      this._timeoutMs = ms;
      if (callback) {
        if (ms === 0) this.removeListener("timeout", callback);
        else this.once("timeout", callback);
      }
      this._touch();
      return this;
    }

    get timeout() {
      return this._timeoutMs || undefined;
    }

    _touch() {
      this._clearTimer();
      if (this._timeoutMs > 0 && !this.destroyed) {
        this._timer = setTimeout(() => {
          this._timer = null;
          this.emit("timeout");
        }, this._timeoutMs);
      }
    }

    _clearTimer() {
      if (this._timer !== null) clearTimeout(this._timer);
      this._timer = null;
    }

    // The runtime sets TCP_NODELAY on every connection; keep-alive probes do not matter
    // to a connection that lives as long as a request.
    setNoDelay() {
      return this;
    }

    setKeepAlive() {
      return this;
    }

    // A worker lives as long as its requests, whatever its sockets: recorded only.
    ref() {
      return this;
    }

    unref() {
      return this;
    }

    address() {
      if (!this._conn) return {};
      return { address: this.localAddress, family: isIPv6(this.localAddress) ? "IPv6" : "IPv4", port: this.localPort };
    }

    get localFamily() {
      return this.localAddress === undefined ? undefined : isIPv6(this.localAddress) ? "IPv6" : "IPv4";
    }

    // node:tls takes the connection over (startTls): this socket no longer reads it.
    _handOver() {
      this._upgrading = true;
      this._handedOver = true;
      this._clearTimer();
      return this._conn;
    }
  }

  function connect(...args) {
    const [options, callback] = normalizeConnectArgs(args);
    const socket = new Socket(options);
    if (options.timeout) socket.setTimeout(options.timeout);
    return socket.connect(options, callback);
  }

  class Server extends EventEmitter {
    constructor() {
      super();
      throw notSupported("net.Server");
    }
  }

  class SocketAddress {
    constructor(options = {}) {
      const family = options.family ?? "ipv4";
      if (family !== "ipv4" && family !== "ipv6") throw invalidArgType("options.family", "string", family);
      this.address = options.address ?? (family === "ipv4" ? "127.0.0.1" : "::");
      this.port = options.port ?? 0;
      if (!Number.isInteger(this.port) || this.port < 0 || this.port > 65535) throw outOfRange("options.port", ">= 0 && <= 65535", this.port);
      this.family = family;
      this.flowlabel = options.flowlabel ?? 0;
    }
  }

  let autoSelectFamily = true;
  let autoSelectFamilyAttemptTimeout = 250;

  return {
    Socket,
    Stream: Socket,
    Server,
    BlockList,
    SocketAddress,
    connect,
    createConnection: connect,
    createServer() {
      throw notSupported("net.createServer");
    },
    isIP,
    isIPv4,
    isIPv6,
    getDefaultAutoSelectFamily: () => autoSelectFamily,
    setDefaultAutoSelectFamily: (value) => {
      autoSelectFamily = Boolean(value);
    },
    getDefaultAutoSelectFamilyAttemptTimeout: () => autoSelectFamilyAttemptTimeout,
    setDefaultAutoSelectFamilyAttemptTimeout: (value) => {
      autoSelectFamilyAttemptTimeout = value;
    },
  };
}
