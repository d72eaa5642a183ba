// Deno.connect / connectTls / startTls / resolveDns: what Postgres and Redis drivers use.
// The sockets live on the worker's loop (api/net_sockets.hpp); a Conn is a resource id.
import { ops } from "./web/ops.js";
import { call, callAsync, errors } from "./deno_errors.js";

function addr(hostname, port) {
  return { __proto__: null, transport: "tcp", hostname, port };
}

export class Conn {
  #rid;
  #closed = false;
  #readable;
  #writable;
  #local;
  #remote;
  constructor(info, key) {
    if (key !== Conn.#key) throw new TypeError("Illegal constructor");
    this.#rid = info[0];
    this.#local = addr(info[1], info[2]);
    this.#remote = addr(info[3], info[4]);
  }
  static #key = Symbol("Conn");
  static _make(info, cls = Conn) {
    return new cls(info, Conn.#key);
  }
  static _rid(conn) {
    return conn.#rid;
  }
  get localAddr() {
    return this.#local;
  }
  get remoteAddr() {
    return this.#remote;
  }
  async read(p) {
    if (!(p instanceof Uint8Array)) throw new TypeError("buffer must be a Uint8Array");
    if (p.byteLength === 0) return 0;
    if (this.#closed) throw new errors.BadResource("Bad resource ID");
    return await callAsync(ops.net_read, this.#rid, p);
  }
  async write(p) {
    if (!ArrayBuffer.isView(p)) throw new TypeError("data must be a Uint8Array");
    if (this.#closed) throw new errors.BadResource("Bad resource ID");
    return await callAsync(ops.net_write, this.#rid, p);
  }
  close() {
    if (this.#closed) throw new errors.BadResource("Bad resource ID");
    this.#closed = true;
    call(ops.net_close, this.#rid);
  }
  async closeWrite() {
    call(ops.net_close_write, this.#rid);
  }
  ref() {}
  unref() {}
  setNoDelay() {}
  setKeepAlive() {}
  get readable() {
    this.#readable ??= new ReadableStream({
      pull: async (controller) => {
        const buffer = new Uint8Array(64 * 1024);
        try {
          const n = this.#closed ? null : await this.read(buffer);
          if (n === null) {
            if (!this.#closed) this.close();
            controller.close();
          } else {
            controller.enqueue(buffer.subarray(0, n));
          }
        } catch (error) {
          controller.error(error);
          if (!this.#closed) this.close();
        }
      },
      cancel: () => {
        if (!this.#closed) this.close();
      },
    });
    return this.#readable;
  }
  get writable() {
    this.#writable ??= new WritableStream({
      write: async (chunk) => {
        let offset = 0;
        while (offset < chunk.byteLength) offset += await this.write(chunk.subarray(offset));
      },
      close: () => {
        if (!this.#closed) this.close();
      },
      abort: () => {
        if (!this.#closed) this.close();
      },
    });
    return this.#writable;
  }
  // Deno's `using` support; V8 10.2 has no Symbol.asyncDispose, so only when present.
}

export class TcpConn extends Conn {}
export class TlsConn extends Conn {
  async handshake() {
    return { alpnProtocol: null };
  }
}

function checkPort(port) {
  port = Number(port);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new TypeError("Invalid port (out of range)");
  return port;
}

async function connect(options) {
  const transport = options.transport ?? "tcp";
  if (transport !== "tcp") throw new errors.NotSupported(`Deno.connect with transport "${transport}" is not allowed in functions`);
  const hostname = options.hostname ?? "127.0.0.1";
  const info = await callAsync(ops.net_connect, String(hostname), checkPort(options.port), false);
  return Conn._make(info, TcpConn);
}

function caCertsOf(options) {
  if (options.certFile !== undefined) throw new errors.NotSupported("connectTls: certFile is not supported; pass caCerts");
  return (options.caCerts ?? []).map(String);
}

async function connectTls(options) {
  const hostname = options.hostname ?? "127.0.0.1";
  const info = await callAsync(ops.net_connect, String(hostname), checkPort(options.port), true,
    String(hostname), caCertsOf(options));
  return Conn._make(info, TlsConn);
}

async function startTls(conn, options = {}) {
  const hostname = options.hostname ?? "127.0.0.1";
  const info = await callAsync(ops.net_start_tls, Conn._rid(conn), String(hostname), caCertsOf(options));
  return Conn._make(info, TlsConn);
}

async function resolveDns(query, recordType, options = {}) {
  options.signal?.throwIfAborted();
  if (recordType !== "A" && recordType !== "AAAA") {
    throw new errors.NotSupported(`Deno.resolveDns: record type ${recordType} is not supported yet (A and AAAA are)`);
  }
  return await callAsync(ops.net_resolve_dns, String(query), recordType);
}

export const netApi = { connect, connectTls, startTls, resolveDns, Conn, TcpConn, TlsConn };
