// Deno.upgradeWebSocket: the server side of WebSocket. The socket object follows the
// WHATWG WebSocket interface; frames travel through the ws_* ops, client events
// arrive through the wsEvent hook.
import { ops } from "./web/ops.js";
import { Event, EventTarget, defineEventHandler } from "./web/event.js";
import { Blob, blobBytes } from "./web/blob.js";
import { MessageEvent } from "./web/messaging.js";
import {
  MapPrototypeDelete,
  MapPrototypeGet,
  MapPrototypeSet,
  SafeMap,
  SafeWeakMap,
  WeakMapPrototypeDelete,
  WeakMapPrototypeGet,
  WeakMapPrototypeSet,
} from "./primordials.js";

const CONNECTING = 0;
const OPEN = 1;
const CLOSING = 2;
const CLOSED = 3;

export class CloseEvent extends Event {
  #code;
  #reason;
  #wasClean;
  constructor(type, init = {}) {
    super(type, init);
    this.#code = init.code ?? 0;
    this.#reason = init.reason ?? "";
    this.#wasClean = init.wasClean ?? false;
  }
  get code() {
    return this.#code;
  }
  get reason() {
    return this.#reason;
  }
  get wasClean() {
    return this.#wasClean;
  }
}

const sockets = new SafeMap(); // id -> WebSocket
const pendingUpgrades = new SafeWeakMap(); // Response -> { socket, protocol }
let nextSocketId = 1;
let constructing = false;
let internals; // set by WebSocket's static block

export class WebSocket extends EventTarget {
  #id;
  #state = CONNECTING;
  #protocol;
  #url;
  binaryType = "arraybuffer";

  constructor(url, protocols) {
    if (!constructing) {
      throw new TypeError("WebSocket client connections are not available yet in this version of sbfn");
    }
    super();
    this.#id = nextSocketId++;
    this.#url = String(url);
    this.#protocol = protocols ?? "";
  }

  get readyState() {
    return this.#state;
  }
  get url() {
    return this.#url;
  }
  get protocol() {
    return this.#protocol;
  }
  get extensions() {
    return "";
  }
  get bufferedAmount() {
    return 0;
  }

  send(data) {
    if (this.#state === CONNECTING) {
      throw new DOMException("'readyState' not OPEN", "InvalidStateError");
    }
    if (this.#state !== OPEN) return;
    if (typeof data === "string") ops.ws_send(this.#id, data);
    else if (data instanceof Blob) ops.ws_send(this.#id, blobBytes(data));
    else if (ArrayBuffer.isView(data) || data instanceof ArrayBuffer) ops.ws_send(this.#id, data);
    else ops.ws_send(this.#id, String(data));
  }

  close(code = undefined, reason = undefined) {
    if (code !== undefined && code !== 1000 && (code < 3000 || code > 4999)) {
      throw new DOMException(`The close code must be either 1000 or in the range of 3000 to 4999. Received ${code}`, "InvalidAccessError");
    }
    if (reason !== undefined && new TextEncoder().encode(reason).byteLength > 123) {
      throw new DOMException("The close reason may not be longer than 123 bytes.", "SyntaxError");
    }
    if (this.#state === CLOSING || this.#state === CLOSED) return;
    this.#state = CLOSING;
    ops.ws_close(this.#id, code ?? 1000, reason ?? "");
  }

  static {
    // Module code (not user code) reaches the private state through this function.
    internals = (socket) => ({
      id: socket.#id,
      setState: (state) => (socket.#state = state),
      protocol: socket.#protocol,
    });
  }
}
for (const [name, value] of Object.entries({ CONNECTING, OPEN, CLOSING, CLOSED })) {
  Object.defineProperty(WebSocket, name, { value, enumerable: true });
  Object.defineProperty(WebSocket.prototype, name, { value, enumerable: true });
}
for (const type of ["open", "message", "close", "error"]) {
  defineEventHandler(WebSocket.prototype, type);
}

export function upgradeWebSocket(request, options = {}) {
  const upgrade = request.headers.get("upgrade");
  if (upgrade === null || !upgrade.toLowerCase().split(",").some((v) => v.trim() === "websocket")) {
    throw new TypeError("Invalid Header: 'upgrade' header must contain 'websocket'");
  }
  const connection = request.headers.get("connection");
  if (connection === null || !connection.toLowerCase().split(",").some((v) => v.trim() === "upgrade")) {
    throw new TypeError("Invalid Header: 'connection' header must contain 'Upgrade'");
  }
  if (!request.headers.get("sec-websocket-key")) {
    throw new TypeError("Invalid Header: 'sec-websocket-key' header must be set");
  }
  let protocol = options.protocol ?? "";
  const offered = (request.headers.get("sec-websocket-protocol") ?? "").split(",").map((p) => p.trim());
  if (protocol && !offered.includes(protocol)) protocol = "";
  constructing = true;
  let socket;
  try {
    socket = new WebSocket(request.url.replace(/^http/, "ws"), protocol);
  } finally {
    constructing = false;
  }
  const response = new Response(null, { status: 200 });
  Object.defineProperty(response, "status", { value: 101 });
  WeakMapPrototypeSet(pendingUpgrades, response, socket);
  return { socket, response };
}

// serve.js: if `response` came from upgradeWebSocket, accept the upgrade for request `id`.
export function acceptUpgrade(id, response) {
  const socket = WeakMapPrototypeGet(pendingUpgrades, response);
  if (socket === undefined) return false;
  WeakMapPrototypeDelete(pendingUpgrades, response);
  const internal = internals(socket);
  MapPrototypeSet(sockets, internal.id, socket);
  if (!ops.ws_accept(id, internal.id, internal.protocol)) {
    MapPrototypeDelete(sockets, internal.id);
    internal.setState(CLOSED);
  }
  return true;
}

// The wsEvent hook: what the client did.
export function socketEvent(id, kind, data, code) {
  const socket = MapPrototypeGet(sockets, id);
  if (socket === undefined) return;
  const internal = internals(socket);
  if (kind === "open") {
    internal.setState(OPEN);
    socket.dispatchEvent(new Event("open"));
  } else if (kind === "message") {
    const payload = typeof data === "string" || socket.binaryType !== "blob" ? data : new Blob([data]);
    socket.dispatchEvent(new MessageEvent("message", { data: payload, origin: socket.url }));
  } else if (kind === "close") {
    MapPrototypeDelete(sockets, id);
    internal.setState(CLOSED);
    if (code === 1006) socket.dispatchEvent(new Event("error"));
    socket.dispatchEvent(new CloseEvent("close", { code, reason: data, wasClean: code !== 1006 }));
  }
}
