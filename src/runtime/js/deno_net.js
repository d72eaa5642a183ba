// Deno.connect / connectTls / startTls / resolveDns: what Postgres and Redis drivers use.
// The sockets live on the worker's loop (api/net_sockets.hpp); a Conn is a resource id.
import { ops } from "./web/ops.js";
import { call, callAsync, errors } from "./deno_errors.js";
import { addAlgorithm } from "./web/abort.js";
import { begin, end } from "./activity.js";

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
  #activity;
  constructor(info, key) {
    if (key !== Conn.#key) throw new TypeError("Illegal constructor");
    this.#rid = info[0];
    // `sbfn test`'s resource sanitizer: open until close().
    this.#activity = begin("resource", new.target === TlsConn ? "tlsStream" : "tcpStream");
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
  // startTls took the connection over: it is the TLS connection's now (Deno moves the
  // resource), so the sanitizer no longer counts this one.
  static _handedOver(conn) {
    end(conn.#activity);
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
    end(this.#activity);
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
  Conn._handedOver(conn);
  return Conn._make(info, TlsConn);
}

// node:tls's connections (node/tls.js) on the same sockets, under Node's rules (the `node`
// flag of net_connect): the chain's verdict comes back instead of failing the handshake.
// Each resolves with [conn, authorizationError, peerCertificate, alpnProtocol, protocol,
// cipher] (api/node_tls_peer.hpp). `tls` holds serverName, caCerts, alpn (the protocols
// offered) and a client certificate's certChain and privateKey (PEM, or undefined).
function tlsArgs(tls) {
  return [tls.serverName, tls.caCerts, true, tls.alpn, tls.certChain, tls.privateKey];
}

async function nodeConnectTls(hostname, port, tls) {
  const info = await callAsync(ops.net_connect, String(hostname), checkPort(port), true, ...tlsArgs(tls));
  return [Conn._make(info, TlsConn), ...info.slice(5)];
}

async function nodeStartTls(conn, tls) {
  const info = await callAsync(ops.net_start_tls, Conn._rid(conn), ...tlsArgs(tls));
  Conn._handedOver(conn);
  return [Conn._make(info, TlsConn), ...info.slice(5)];
}

export const nodeTls = { nodeConnectTls, nodeStartTls };

// The record types Deno's resolver knows (hickory's RecordType), by number. Deno shapes
// twelve of them; the others are queried, and come back NotSupported when they have
// records.
const recordTypes = {
  __proto__: null, A: 1, AAAA: 28, ANAME: 65305, ANY: 255, AXFR: 252, CAA: 257, CDS: 59,
  CDNSKEY: 60, CERT: 37, CNAME: 5, CSYNC: 62, DNSKEY: 48, DS: 43, HINFO: 13, HTTPS: 65,
  IXFR: 251, KEY: 25, MX: 15, NAPTR: 35, NS: 2, NSEC: 47, NSEC3: 50, NSEC3PARAM: 51, NULL: 10,
  OPENPGPKEY: 61, OPT: 41, PTR: 12, RRSIG: 46, SIG: 24, SOA: 6, SRV: 33, SSHFP: 44, SVCB: 64,
  TLSA: 52, TSIG: 250, TXT: 16, ZERO: 0,
};

// The record type's number, or Deno's TypeError (serde_v8's wording) for what it cannot read.
function recordTypeNumber(type) {
  if (typeof type === "string") {
    if (type === "Unknown") throw new TypeError("serde_v8 error: invalid type; expected: integer, got: undefined");
    const number = recordTypes[type];
    if (number === undefined) {
      const known = [...Object.keys(recordTypes).slice(0, -1), "Unknown", "ZERO"];
      throw new TypeError(`unknown variant \`${type}\`, expected one of ${known.map((k) => `\`${k}\``).join(", ")}`);
    }
    return number;
  }
  if (type !== null && typeof type === "object") {
    throw new TypeError(`serde_v8 error: length mismatch, got: ${Object.keys(type).length}, expected: 1`);
  }
  const got = type === undefined || type === null ? String(type) : typeof type === "number" ? "Number" : typeof type;
  throw new TypeError(`serde_v8 error: invalid type; expected: enum, got: ${got}`);
}

// The name checks Deno's resolver makes before it asks anyone, with its messages.
function checkName(name) {
  if (name === "" || name === ".") return;
  let length = 1; // the root's byte
  for (const label of (name.endsWith(".") ? name.slice(0, -1) : name).split(".")) {
    const bytes = new TextEncoder().encode(label).length;
    if (bytes === 0) throw new Error("proto error: Malformed label: ");
    if (bytes > 63) throw new Error(`proto error: label bytes exceed 63: ${bytes}`);
    length += bytes + 1;
    if (length > 255) throw new Error(`proto error: name label data exceed 255: ${length}`);
  }
}

// A CAA record's value as Deno prints it: an issuer name and "; key=value" pairs (";"
// alone when neither is there), a URL for iodef, the raw text for other tags.
function caaRecord(record) {
  const tag = record.tag.toLowerCase();
  if (tag === "issue" || tag === "issuewild") {
    const [name, ...pairs] = record.value.split(";").map((part) => part.trim());
    const values = pairs.filter((pair) => pair !== "").map((pair) => {
      const equals = pair.indexOf("=");
      return `${pair.slice(0, equals).trim()}=${pair.slice(equals + 1).trim()}`;
    });
    let value = name !== "" ? name : values.length === 0 ? ";" : "";
    for (const pair of values) value += `; ${pair}`;
    return { __proto__: null, critical: record.critical, tag, value };
  }
  if (tag === "iodef") {
    try {
      return { __proto__: null, critical: record.critical, tag, value: new URL(record.value).href };
    } catch {
      return record;
    }
  }
  return record;
}

async function resolveDns(query, recordType, options) {
  const signal = options?.signal;
  signal?.throwIfAborted();
  let id = 0;
  let settled = false;
  if (signal) {
    addAlgorithm(signal, () => {
      if (!settled) ops.net_cancel_dns(id);
    });
  }
  try {
    const name = String(query);
    const type = recordTypeNumber(recordType);
    checkName(name);
    const server = options?.nameServer;
    let ip = "";
    let port = 53;
    if (server !== undefined && server !== null) {
      ip = server.ipAddr === undefined ? "" : String(server.ipAddr);
      if (ip === "") throw new Error("invalid IP address syntax");
      if (server.port !== undefined) {
        if (typeof server.port !== "number") throw new TypeError("expected type `v8::data::Number`, got `v8::data::Value`");
        port = server.port & 0xffff;
      }
    }
    const [lookup, promise] = call(ops.net_resolve_dns, name, type, recordType, ip, port);
    id = lookup;
    const records = await callAsync(() => promise);
    return recordType === "CAA" ? records.map(caaRecord) : records;
  } finally {
    settled = true;
    // Aborted: the signal's reason, whatever the look-up did meanwhile (as Deno).
    signal?.throwIfAborted();
  }
}

export const netApi = { connect, connectTls, startTls, resolveDns, Conn, TcpConn, TlsConn };
