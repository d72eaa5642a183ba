// The `upgrade` event of node:http's server, for WebSocket servers written for Node (the
// `ws` package). Node hands such a server the raw TCP socket; this runtime accepts
// WebSockets itself (Deno.upgradeWebSocket: the handshake, framing, masking, ping/pong and
// close with the real client happen natively). The bridge gives the app a Duplex that
// speaks the WebSocket wire format on both sides, so the app's own protocol code runs
// unchanged:
//   - what the app writes first is its handshake answer: a 101 makes the runtime accept
//     the upgrade (with the subprotocol the app chose); anything else becomes the
//     HTTP response the client gets (a 401 from a verifyClient, say);
//   - then every frame the app writes is decoded and its message sent on the runtime's
//     socket, and every message the runtime's socket receives is encoded as a masked
//     client frame for the app to read.
// Pings the app sends are answered here (the runtime keeps the real connection alive
// with its own pings); fragmented messages are reassembled before they are sent.
import { loadBuiltin } from "./registry.js";
import { makeError } from "./errors.js";

const OP_CONTINUATION = 0;
const OP_TEXT = 1;
const OP_BINARY = 2;
const OP_CLOSE = 8;
const OP_PING = 9;
const OP_PONG = 10;

// One frame, FIN set; masked with a random key when it stands for a client's.
function encodeFrame(Buffer, opcode, payload, masked) {
  const length = payload.byteLength;
  let headerLength = 2;
  if (length > 0xffff) headerLength += 8;
  else if (length > 125) headerLength += 2;
  const maskLength = masked ? 4 : 0;
  const frame = Buffer.alloc(headerLength + maskLength + length);
  frame[0] = 0x80 | opcode;
  const maskBit = masked ? 0x80 : 0;
  if (length > 0xffff) {
    frame[1] = maskBit | 127;
    frame.writeUInt32BE(Math.floor(length / 2 ** 32), 2);
    frame.writeUInt32BE(length >>> 0, 6);
  } else if (length > 125) {
    frame[1] = maskBit | 126;
    frame.writeUInt16BE(length, 2);
  } else {
    frame[1] = maskBit | length;
  }
  const start = headerLength + maskLength;
  if (!masked) {
    frame.set(payload, start);
    return frame;
  }
  const mask = crypto.getRandomValues(new Uint8Array(4));
  frame.set(mask, headerLength);
  for (let i = 0; i < length; i++) frame[start + i] = payload[i] ^ mask[i & 3];
  return frame;
}

// Splits the app's byte stream into frames: returns [frames, rest].
function decodeFrames(Buffer, bytes) {
  const frames = [];
  let at = 0;
  for (;;) {
    if (bytes.length - at < 2) break;
    const fin = (bytes[at] & 0x80) !== 0;
    const opcode = bytes[at] & 0x0f;
    const masked = (bytes[at + 1] & 0x80) !== 0;
    let length = bytes[at + 1] & 0x7f;
    let offset = at + 2;
    if (length === 126) {
      if (bytes.length < offset + 2) break;
      length = bytes.readUInt16BE(offset);
      offset += 2;
    } else if (length === 127) {
      if (bytes.length < offset + 8) break;
      length = bytes.readUInt32BE(offset) * 2 ** 32 + bytes.readUInt32BE(offset + 4);
      offset += 8;
    }
    let mask = null;
    if (masked) {
      if (bytes.length < offset + 4) break;
      mask = bytes.subarray(offset, offset + 4);
      offset += 4;
    }
    if (bytes.length < offset + length) break;
    let payload = bytes.subarray(offset, offset + length);
    if (mask !== null) {
      payload = Buffer.from(payload);
      for (let i = 0; i < payload.length; i++) payload[i] ^= mask[i & 3];
    }
    frames.push({ fin, opcode, payload });
    at = offset + length;
  }
  return [frames, bytes.subarray(at)];
}

// The app's HTTP answer (a head, then maybe a body) as a Response.
function parseHead(text) {
  const lines = text.split("\r\n");
  const status = Number(lines[0].split(" ")[1]);
  const statusText = lines[0].split(" ").slice(2).join(" ");
  const headers = [];
  for (const line of lines.slice(1)) {
    const colon = line.indexOf(":");
    if (colon > 0) headers.push([line.slice(0, colon).trim(), line.slice(colon + 1).trim()]);
  }
  return { status, statusText, headers };
}

// Ties a Duplex on which the app reads and writes WebSocket frames to the runtime's
// WebSocket: the app's frames become messages sent (fragments reassembled, pings answered
// here), the socket's messages and close become frames for the app. `masked`: the frames
// the app reads stand for a client's (the app is the server).
class FrameRelay {
  constructor(Buffer, socket, masked) {
    this.Buffer = Buffer;
    this.socket = socket;
    this.masked = masked;
    this.webSocket = null;
    this.pending = Buffer.alloc(0);
    this.fragments = null;
    this.fragmentOpcode = 0;
    this.queued = []; // what the app sent before the runtime's socket opened
    this.closedByApp = false;
  }

  frame(opcode, payload) {
    return encodeFrame(this.Buffer, opcode, payload, this.masked);
  }

  attach(webSocket) {
    const { Buffer, socket } = this;
    this.webSocket = webSocket;
    webSocket.binaryType = "arraybuffer";
    const flush = () => {
      for (const action of this.queued.splice(0)) action();
    };
    if (webSocket.readyState === 1) flush();
    else webSocket.addEventListener("open", flush);
    webSocket.addEventListener("message", (event) => {
      const data = event.data;
      if (typeof data === "string") socket.push(this.frame(OP_TEXT, Buffer.from(data)));
      else socket.push(this.frame(OP_BINARY, new Uint8Array(data)));
    });
    webSocket.addEventListener("close", (event) => {
      if (socket.destroyed) return;
      // The peer's close frame (or its answer to the app's), unless the connection dropped.
      if (event.code !== 1006) {
        let payload = Buffer.alloc(0);
        if (event.code && event.code !== 1005) {
          const reason = Buffer.from(event.reason ?? "");
          payload = Buffer.alloc(2 + reason.length);
          payload.writeUInt16BE(event.code, 0);
          reason.copy(payload, 2);
        }
        socket.push(this.frame(OP_CLOSE, payload));
      }
      socket.push(null);
    });
    webSocket.addEventListener("error", () => {});
  }

  sendOrQueue(action) {
    if (this.webSocket !== null && this.webSocket.readyState === 1) action();
    else this.queued.push(action);
  }

  // Bytes the app wrote: whole frames are acted on, a partial one waits for the rest.
  take(bytes) {
    const Buffer = this.Buffer;
    this.pending = this.pending.length === 0 ? bytes : Buffer.concat([this.pending, bytes]);
    const [frames, rest] = decodeFrames(Buffer, this.pending);
    this.pending = Buffer.from(rest);
    for (const frame of frames) this.onAppFrame(frame);
  }

  onAppFrame({ fin, opcode, payload }) {
    if (opcode === OP_PING) {
      this.socket.push(this.frame(OP_PONG, payload));
      return;
    }
    if (opcode === OP_PONG) return;
    if (opcode === OP_CLOSE) {
      if (this.closedByApp) return;
      this.closedByApp = true;
      const code = payload.length >= 2 ? payload.readUInt16BE(0) : undefined;
      const reason = payload.length > 2 ? payload.subarray(2).toString() : undefined;
      this.sendOrQueue(() => {
        if (this.webSocket.readyState >= 2) return;
        if (code === undefined) this.webSocket.close();
        else this.webSocket.close(code, reason);
      });
      return;
    }
    if (opcode === OP_TEXT || opcode === OP_BINARY) {
      this.fragmentOpcode = opcode;
      this.fragments = [payload];
    } else if (opcode === OP_CONTINUATION && this.fragments !== null) {
      this.fragments.push(payload);
    } else {
      throw makeError(Error, "ERR_INVALID_STATE", `WebSocket bridge: unexpected frame opcode ${opcode}`);
    }
    if (!fin) return;
    const fragments = this.fragments;
    this.fragments = null;
    const message = fragments.length === 1 ? fragments[0] : this.Buffer.concat(fragments);
    const text = this.fragmentOpcode === OP_TEXT;
    const copy = new Uint8Array(message); // the app may reuse its buffer
    this.sendOrQueue(() => {
      if (this.webSocket.readyState !== 1) return;
      this.webSocket.send(text ? new TextDecoder().decode(copy) : copy);
    });
  }

  // The app ended or destroyed its socket without a close frame: close the runtime's.
  closeFromApp() {
    if (this.webSocket === null || this.closedByApp) return;
    this.closedByApp = true;
    this.sendOrQueue(() => {
      if (this.webSocket.readyState < 2) this.webSocket.close();
    });
  }
}

// A Duplex with what packages read off a net.Socket; `onWrite(bytes)` gets what the app
// writes, `onEnd()` runs once when the app ends or destroys it.
function makeDuplex(Duplex, Buffer, fields, onWrite, onEnd) {
  let ended = false;
  const end = () => {
    if (!ended) {
      ended = true;
      onEnd();
    }
  };
  const socket = new Duplex({
    read() {},
    write(chunk, encoding, callback) {
      try {
        onWrite(Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk, encoding));
        callback();
      } catch (error) {
        callback(error);
      }
    },
    final(callback) {
      end();
      callback();
      queueMicrotask(() => socket.destroy());
    },
    destroy(error, callback) {
      end();
      callback(error);
    },
  });
  const chain = function chain() {
    return this;
  };
  Object.assign(socket, fields, {
    setTimeout: chain,
    setNoDelay: chain,
    setKeepAlive: chain,
    ref: chain,
    unref: chain,
  });
  return socket;
}

// Handles one upgrade request for `server`: emits `upgrade` and resolves with the Response
// the runtime answers the client with.
export function upgradeToNodeSocket(server, request, req, stub) {
  const { Duplex } = loadBuiltin("stream");
  const { Buffer } = loadBuiltin("buffer");
  let settle;
  const answered = new Promise((resolve) => (settle = resolve));
  let head = null; // the app's handshake answer, until it is complete
  let headDone = false;
  let httpAnswer = null; // a non-101 answer: { status, statusText, headers, body: [] }
  let relay = null;

  const fields = {
    remoteAddress: stub.remoteAddress,
    remotePort: stub.remotePort,
    remoteFamily: stub.remoteFamily,
    localAddress: stub.localAddress,
    localPort: stub.localPort,
    encrypted: stub.encrypted,
    server,
    address: stub.address,
  };
  const socket = makeDuplex(Duplex, Buffer, fields, take, () => {
    finishHttpAnswer();
    if (!headDone) {
      headDone = true;
      settle(new Response(null, { status: 400 }));
    }
    relay?.closeFromApp();
  });
  req.socket = socket;

  function finishHttpAnswer() {
    if (httpAnswer === null) return;
    const { status, statusText, headers, body } = httpAnswer;
    httpAnswer = null;
    const nullBody = status === 204 || status === 304 || status < 200;
    settle(new Response(nullBody ? null : Buffer.concat(body), { status: status < 200 ? 400 : status, statusText, headers }));
  }

  function take(bytes) {
    if (httpAnswer !== null) {
      httpAnswer.body.push(Buffer.from(bytes));
      return;
    }
    if (!headDone) {
      head = head === null ? Buffer.from(bytes) : Buffer.concat([head, bytes]);
      const end = head.indexOf("\r\n\r\n");
      if (end === -1) return;
      headDone = true;
      const answer = parseHead(head.subarray(0, end).toString("latin1"));
      const rest = head.subarray(end + 4);
      head = null;
      if (answer.status !== 101) {
        httpAnswer = { ...answer, body: [Buffer.from(rest)] };
        return;
      }
      const protocol = answer.headers.find(([name]) => name.toLowerCase() === "sec-websocket-protocol")?.[1];
      const upgraded = Deno.upgradeWebSocket(request, protocol ? { protocol } : {});
      relay = new FrameRelay(Buffer, socket, true);
      relay.attach(upgraded.socket);
      settle(upgraded.response);
      bytes = rest;
    }
    if (bytes.length > 0) relay.take(bytes);
  }

  // The runtime's socket speaks no extension with the app (it sends and receives whole
  // messages), so the app is not offered any: `ws` then never turns on permessage-deflate
  // for this connection (the runtime negotiates with the client on its own).
  delete req.headers["sec-websocket-extensions"];
  for (let i = req.rawHeaders.length - 2; i >= 0; i -= 2) {
    if (req.rawHeaders[i].toLowerCase() === "sec-websocket-extensions") req.rawHeaders.splice(i, 2);
  }
  server.emit("upgrade", req, socket, Buffer.alloc(0));
  return answered;
}

// The client side: a ClientRequest asking for a WebSocket upgrade (the `ws` package's
// client) connects with the runtime's WebSocket client instead, and once it is open
// answers the app's handshake for it (the accept key from the app's own key, the
// subprotocol the server chose) and emits `upgrade` with a Duplex speaking frames.
// `fail(error)` when the connection does not open.
export function upgradeClientRequest(req, url, IncomingMessage, fail) {
  const { Duplex } = loadBuiltin("stream");
  const { Buffer } = loadBuiltin("buffer");
  const { createHash } = loadBuiltin("crypto");
  const key = String(req.getHeader("sec-websocket-key") ?? "");
  const offered = String(req.getHeader("sec-websocket-protocol") ?? "")
    .split(",")
    .map((p) => p.trim())
    .filter(Boolean);
  const target = new URL(url);
  target.protocol = target.protocol === "https:" ? "wss:" : "ws:";
  let webSocket;
  try {
    webSocket = new WebSocket(target.href, offered);
  } catch (error) {
    fail(error);
    return;
  }
  let opened = false;
  webSocket.addEventListener("close", () => {
    if (!opened) fail(makeError(Error, "ECONNRESET", "socket hang up"));
  });
  webSocket.addEventListener("open", () => {
    opened = true;
    let relay;
    const socket = makeDuplex(
      Duplex,
      Buffer,
      { remoteAddress: target.hostname, remotePort: Number(target.port), encrypted: target.protocol === "wss:" },
      (bytes) => relay.take(bytes),
      () => relay.closeFromApp(),
    );
    relay = new FrameRelay(Buffer, socket, false);
    relay.attach(webSocket);
    const res = new IncomingMessage(socket);
    res.statusCode = 101;
    res.statusMessage = "Switching Protocols";
    res.headers = {
      upgrade: "websocket",
      connection: "Upgrade",
      "sec-websocket-accept": createHash("sha1").update(key + "258EAFA5-E914-47DA-95CA-C5AB0DC85B11").digest("base64"),
    };
    if (webSocket.protocol) res.headers["sec-websocket-protocol"] = webSocket.protocol;
    res.rawHeaders = Object.entries(res.headers).flat();
    res._setBody(null);
    req.res = res;
    if (req.listenerCount("upgrade") === 0) {
      socket.destroy();
      return;
    }
    req.emit("upgrade", res, socket, Buffer.alloc(0));
  });
}
