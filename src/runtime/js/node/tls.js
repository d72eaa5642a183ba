// node:tls: client TLS over the runtime's connections (OpenSSL on the worker's loop, the
// same sockets as Deno.connectTls/startTls) under Node's rules: `ca` replaces the system
// store, the chain's verdict becomes `authorized`/`authorizationError`, the name is
// checked here by checkServerIdentity, and rejectUnauthorized decides. tls.connect with
// `socket` upgrades a connected net.Socket in place (Postgres's SSLRequest, STARTTLS).
import { host } from "./runtime.js";
import { invalidArgType, makeError } from "./errors.js";
import { loadBuiltin } from "./registry.js";
import { isIP } from "./net_address.js";
import { nodeSocketError } from "./net_errors.js";
import { checkServerIdentity } from "./tls_identity.js";
import { peerCertificate } from "./tls_certificate.js";

// ALPNProtocols as a list of names: an array of strings or buffers, or one buffer in the
// wire format (each name after its length byte).
function alpnList(protocols) {
  if (protocols === undefined || protocols === null) return [];
  const decode = (bytes) => new TextDecoder().decode(bytes);
  if (Array.isArray(protocols)) return protocols.map((p) => (typeof p === "string" ? p : decode(p)));
  if (ArrayBuffer.isView(protocols)) {
    const bytes = new Uint8Array(protocols.buffer, protocols.byteOffset, protocols.byteLength);
    const out = [];
    for (let i = 0; i < bytes.length; i += 1 + bytes[i]) out.push(decode(bytes.subarray(i + 1, i + 1 + bytes[i])));
    return out;
  }
  throw invalidArgType("options.ALPNProtocols", ["Array", "Buffer", "TypedArray", "DataView"], protocols);
}

// PEM text from `ca`: a string, Buffer, or an array of them.
function caList(ca) {
  if (ca === undefined || ca === null) return [];
  const list = Array.isArray(ca) ? ca : [ca];
  return list.map((item) => {
    if (typeof item === "string") return item;
    if (ArrayBuffer.isView(item)) return new TextDecoder().decode(item);
    throw invalidArgType("options.ca", ["string", "Buffer", "TypedArray", "DataView"], item);
  });
}

// One PEM text from a string, a Buffer, or an array of them (a chain).
function pemText(value, name) {
  if (value === undefined || value === null) return undefined;
  const list = Array.isArray(value) ? value : [value];
  return list.map((item) => {
    if (typeof item === "string") return item;
    if (ArrayBuffer.isView(item)) return new TextDecoder().decode(item);
    if (item !== null && typeof item === "object" && item.pem !== undefined) return pemText(item.pem, name);
    throw invalidArgType(name, ["string", "Buffer", "TypedArray", "DataView"], item);
  }).join("\n");
}

class SecureContext {
  constructor(options = {}) {
    if (options.pfx !== undefined) {
      throw makeError(Error, "ERR_NOT_SUPPORTED", 'tls: the "pfx" option is not supported; pass "cert" and "key" as PEM');
    }
    if (options.passphrase !== undefined) {
      throw makeError(Error, "ERR_NOT_SUPPORTED", 'tls: the "passphrase" option is not supported; pass an unencrypted "key"');
    }
    this.ca = caList(options.ca);
    this.cert = pemText(options.cert, "options.cert");
    this.key = pemText(options.key, "options.key");
    if ((this.cert === undefined) !== (this.key === undefined)) {
      throw makeError(Error, "ERR_TLS_CERT_KEY_MISMATCH", 'tls: a client certificate needs both "cert" and "key"');
    }
    this.context = {};
  }
}

export function createTls() {
  const net = loadBuiltin("net");
  const { nextTick } = loadBuiltin("process");

  class TLSSocket extends net.Socket {
    constructor(socket, options = {}) {
      super({ allowHalfOpen: options.allowHalfOpen });
      this.encrypted = true;
      this.authorized = false;
      this.authorizationError = null;
      this.alpnProtocol = false;
      this.servername = undefined;
      this._peer = undefined;
      this._parent = socket instanceof net.Socket ? socket : null;
    }

    // The handshake's outcome: the chain's verdict, then the name, then rejectUnauthorized.
    _secured([conn, verdict, certificate, alpn, protocol, cipher], options, hostname) {
      this._peer = certificate;
      this.alpnProtocol = alpn ?? false;
      this._protocol = protocol;
      this._cipher = cipher;
      let error = null;
      if (verdict) {
        error = new Error(verdict[1]);
        error.code = verdict[0];
      } else {
        const check = options.checkServerIdentity ?? checkServerIdentity;
        const found = check(hostname, this.getPeerCertificate());
        if (found instanceof Error) error = found;
      }
      if (error && options.rejectUnauthorized !== false) {
        // Refused before anything queued is written to that peer.
        try { conn.close(); } catch { /* closed already */ }
        this.connecting = false;
        this.destroy(error);
        return;
      }
      this._attach(conn);
      if (error) this.authorizationError = error.code ?? error.message;
      else this.authorized = true;
      if (!this._parent) {
        this.emit("connect");
        this.emit("ready");
      }
      this.emit("secureConnect");
    }

    _destroy(error, callback) {
      super._destroy(error, callback);
      // The wrapped socket ends with this one, as in Node (drivers wait for its 'close').
      if (this._parent && !this._parent.destroyed) this._parent.destroy();
    }

    getPeerCertificate(detailed) {
      if (this._peer === undefined) return this._conn ? {} : null;
      return peerCertificate(this._peer, Boolean(detailed));
    }

    getProtocol() {
      return this._protocol ?? null;
    }

    getCipher() {
      if (!this._cipher) return undefined;
      const [name, standardName, version] = this._cipher;
      return { name, standardName, version };
    }

    getSession() {
      return undefined;
    }

    isSessionReused() {
      return false;
    }

    setServername(name) {
      this.servername = String(name);
    }
  }

  function connect(...args) {
    let options = {};
    let callback;
    for (const arg of args) {
      if (typeof arg === "function") callback = arg;
      else if (arg !== null && typeof arg === "object") options = { ...options, ...arg };
      else if (typeof arg === "number" || (typeof arg === "string" && /^\d+$/.test(arg))) options.port = arg;
      else if (typeof arg === "string") options.host = arg;
    }
    const context = options.secureContext instanceof SecureContext ? options.secureContext : new SecureContext(options);
    const tlsOptions = {
      caCerts: options.ca !== undefined ? caList(options.ca) : context.ca,
      alpn: alpnList(options.ALPNProtocols),
      certChain: context.cert,
      privateKey: context.key,
    };
    // The peer's name: given, or the one the wrapped socket connected to (postgres.js
    // passes only `servername`, and none for an IP address).
    const hostname = options.host || options.socket?._host || "localhost";
    // SNI: never for an IP address (RFC 6066), as Node.
    let servername = options.servername ?? (isIP(hostname) ? "" : hostname);
    if (isIP(servername)) servername = "";
    const identity = options.servername || hostname;
    tlsOptions.serverName = servername;
    const socket = new TLSSocket(options.socket, options);
    socket.servername = servername || undefined;
    // Writes made before the handshake wait for it (drivers send their startup at once).
    socket.connecting = true;
    if (callback) socket.once("secureConnect", callback);
    const parent = options.socket;
    if (parent) {
      if (!(parent instanceof net.Socket)) {
        throw makeError(Error, "ERR_NOT_SUPPORTED", "tls.connect: `socket` must be a net.Socket");
      }
      const upgrade = () => {
        const conn = parent._handOver();
        host.net.nodeStartTls(conn, tlsOptions).then((handshake) => {
          if (socket.destroyed) {
            try { handshake[0].close(); } catch { /* closed already */ }
            return;
          }
          socket._secured(handshake, options, identity);
        }, (error) => {
          socket.connecting = false;
          socket.destroy(tlsError(error));
        });
      };
      if (parent.connecting) parent.once("connect", upgrade);
      else if (parent._conn) nextTick(upgrade);
      else {
        nextTick(() => {
          socket.connecting = false;
          socket.destroy(makeError(Error, "ERR_SOCKET_CLOSED", "Socket is closed"));
        });
      }
      parent.once("error", (error) => {
        if (!socket.destroyed) socket.destroy(error);
      });
      return socket;
    }
    if (options.path !== undefined) {
      throw makeError(Error, "ERR_NOT_SUPPORTED", "tls.connect: Unix domain sockets are not supported in functions");
    }
    const port = options.port;
    if (options.timeout) socket.setTimeout(options.timeout);
    socket._host = hostname;
    let handshake;
    try {
      handshake = host.net.nodeConnectTls(hostname, port, tlsOptions);
    } catch (error) {
      handshake = Promise.reject(error);
    }
    handshake.then((done) => {
      if (socket.destroyed) {
        try { done[0].close(); } catch { /* closed already */ }
        return;
      }
      socket._secured(done, options, identity);
    }, (error) => {
      socket.connecting = false;
      socket.destroy(error?.name === "InvalidData" ? tlsError(error) : nodeSocketError(error, "connect", hostname, port));
    });
    return socket;
  }

  // A failed handshake, as OpenSSL words it, with Node's code made of OpenSSL's reason
  // ("wrong version number (SSL routines)": ERR_SSL_WRONG_VERSION_NUMBER).
  function tlsError(error) {
    if (error?.name !== "InvalidData") return nodeSocketError(error, "connect");
    const reason = String(error.message).replace(/ \([^)]*\)$/, "");
    const out = new Error(error.message);
    out.code = `ERR_SSL_${reason.toUpperCase().replace(/[^A-Z0-9]+/g, "_")}`;
    return out;
  }

  let roots;
  return {
    // The system's trusted CAs, read once (api/op_net.cpp).
    get rootCertificates() {
      roots ??= Object.freeze(host.ops.net_root_certificates());
      return roots;
    },
    TLSSocket,
    SecureContext,
    connect,
    createSecureContext: (options) => new SecureContext(options),
    checkServerIdentity,
    createServer() {
      throw makeError(Error, "ERR_NOT_SUPPORTED", "tls.createServer is not supported: a function cannot accept connections");
    },
    Server: class Server {
      constructor() {
        throw makeError(Error, "ERR_NOT_SUPPORTED", "tls.Server is not supported: a function cannot accept connections");
      }
    },
    DEFAULT_ECDH_CURVE: "auto",
    DEFAULT_MIN_VERSION: "TLSv1.2",
    DEFAULT_MAX_VERSION: "TLSv1.3",
  };
}
