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

// One frame as a client sends it: FIN set, masked with a random key.
function encodeClientFrame(Buffer, opcode, payload) {
  const length = payload.byteLength;
  let headerLength = 2;
  if (length > 0xffff) headerLength += 8;
  else if (length > 125) headerLength += 2;
  const frame = Buffer.alloc(headerLength + 4 + length);
  frame[0] = 0x80 | opcode;
  if (length > 0xffff) {
    frame[1] = 0x80 | 127;
    frame.writeUInt32BE(Math.floor(length / 2 ** 32), 2);
    frame.writeUInt32BE(length >>> 0, 6);
  } else if (length > 125) {
    frame[1] = 0x80 | 126;
    frame.writeUInt16BE(length, 2);
  } else {
    frame[1] = 0x80 | length;
  }
  const mask = crypto.getRandomValues(new Uint8Array(4));
  frame.set(mask, headerLength);
  const start = headerLength + 4;
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

// Handles one upgrade request for `server`: emits `upgrade` and resolves with the Response
// the runtime answers the client with.
export function upgradeToNodeSocket(server, request, req, stub) {
  const { Duplex } = loadBuiltin("stream");
  const { Buffer } = loadBuiltin("buffer");
  let settle;
  const answered = new Promise((resolve) => (settle = resolve));
  let head = null; // the app's handshake answer, until it is complete
  let headDone = false;
  let pending = Buffer.alloc(0);
  let webSocket = null;
  let fragments = null;
  let fragmentOpcode = 0;
  const queued = []; // what the app sent before the runtime's socket opened
  let closedByApp = false;
  let httpAnswer = null; // a non-101 answer: { status, statusText, headers, body: [] }

  const socket = new Duplex({
    read() {},
    write(chunk, encoding, callback) {
      try {
        take(Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk, encoding));
        callback();
      } catch (error) {
        callback(error);
      }
    },
    final(callback) {
      finishHttpAnswer();
      if (webSocket !== null && !closedByApp) sendOrQueue(() => webSocket.close());
      callback();
      queueMicrotask(() => socket.destroy());
    },
    destroy(error, callback) {
      finishHttpAnswer();
      if (!headDone) {
        headDone = true;
        settle(new Response(null, { status: 400 }));
      }
      if (webSocket !== null && webSocket.readyState < 2 && !closedByApp) {
        closedByApp = true;
        sendOrQueue(() => webSocket.close());
      }
      callback(error);
    },
  });
  Object.assign(socket, {
    remoteAddress: stub.remoteAddress,
    remotePort: stub.remotePort,
    remoteFamily: stub.remoteFamily,
    localAddress: stub.localAddress,
    localPort: stub.localPort,
    encrypted: stub.encrypted,
    server,
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
    address: stub.address,
  });
  req.socket = socket;

  function finishHttpAnswer() {
    if (httpAnswer === null) return;
    const { status, statusText, headers, body } = httpAnswer;
    httpAnswer = null;
    const nullBody = status === 204 || status === 304 || status < 200;
    settle(new Response(nullBody ? null : Buffer.concat(body), { status: status < 200 ? 400 : status, statusText, headers }));
  }

  function sendOrQueue(action) {
    if (webSocket !== null && webSocket.readyState === 1) action();
    else queued.push(action);
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
      accept(answer);
      bytes = rest;
    }
    pending = pending.length === 0 ? bytes : Buffer.concat([pending, bytes]);
    const [frames, rest] = decodeFrames(Buffer, pending);
    pending = Buffer.from(rest);
    for (const frame of frames) onAppFrame(frame);
  }

  function accept(answer) {
    const protocol = answer.headers.find(([name]) => name.toLowerCase() === "sec-websocket-protocol")?.[1];
    const upgraded = Deno.upgradeWebSocket(request, protocol ? { protocol } : {});
    webSocket = upgraded.socket;
    webSocket.binaryType = "arraybuffer";
    webSocket.onopen = () => {
      for (const action of queued.splice(0)) action();
    };
    webSocket.onmessage = (event) => {
      const data = event.data;
      if (typeof data === "string") socket.push(encodeClientFrame(Buffer, OP_TEXT, Buffer.from(data)));
      else socket.push(encodeClientFrame(Buffer, OP_BINARY, new Uint8Array(data)));
    };
    webSocket.onclose = (event) => {
      if (socket.destroyed) return;
      if (!closedByApp) {
        let payload = Buffer.alloc(0);
        if (event.code && event.code !== 1005 && event.code !== 1006) {
          const reason = Buffer.from(event.reason ?? "");
          payload = Buffer.alloc(2 + reason.length);
          payload.writeUInt16BE(event.code, 0);
          reason.copy(payload, 2);
        }
        socket.push(encodeClientFrame(Buffer, OP_CLOSE, payload));
      }
      socket.push(null);
    };
    webSocket.onerror = () => {};
    settle(upgraded.response);
  }

  function onAppFrame({ fin, opcode, payload }) {
    if (opcode === OP_PING) {
      socket.push(encodeClientFrame(Buffer, OP_PONG, payload));
      return;
    }
    if (opcode === OP_PONG) return;
    if (opcode === OP_CLOSE) {
      if (closedByApp) return;
      closedByApp = true;
      const code = payload.length >= 2 ? payload.readUInt16BE(0) : undefined;
      const reason = payload.length > 2 ? payload.subarray(2).toString() : undefined;
      sendOrQueue(() => {
        if (webSocket.readyState >= 2) return;
        if (code === undefined) webSocket.close();
        else webSocket.close(code, reason);
      });
      return;
    }
    if (opcode === OP_TEXT || opcode === OP_BINARY) {
      fragmentOpcode = opcode;
      fragments = [payload];
    } else if (opcode === OP_CONTINUATION && fragments !== null) {
      fragments.push(payload);
    } else {
      throw makeError(Error, "ERR_INVALID_STATE", `WebSocket bridge: unexpected frame opcode ${opcode}`);
    }
    if (!fin) return;
    const message = fragments.length === 1 ? fragments[0] : Buffer.concat(fragments);
    fragments = null;
    const text = fragmentOpcode === OP_TEXT;
    const copy = new Uint8Array(message); // the app may reuse its buffer
    sendOrQueue(() => {
      if (webSocket.readyState !== 1) return;
      webSocket.send(text ? new TextDecoder().decode(copy) : copy);
    });
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
