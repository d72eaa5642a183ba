// Deno.upgradeWebSocket: the server side of WebSocket. The socket object follows the
// WHATWG WebSocket interface; frames travel through the ws_* ops, client events
// arrive through the wsEvent hook.
import { ops } from "./web/ops.js";
import { call } from "./deno_errors.js";
import { clearAsyncContext } from "./async_context.js";
import { ErrorEvent, Event, EventTarget, defineEventHandler } from "./web/event.js";
import { Blob, blobBytes } from "./web/blob.js";
import { MessageEvent } from "./web/messaging.js";
import { extraCaFiles } from "./web/fetch.js";
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
// Response -> the WebSocket it accepts, or (a user worker's socket relayed by a main
// service) the function that hands the request's connection over.
const pendingUpgrades = new SafeWeakMap();
let nextSocketId = 1;
let constructing = false;
let internals; // set by WebSocket's static block

export class WebSocket extends EventTarget {
  #id;
  #state = CONNECTING;
  #protocol;
  #url;
  #client = false;
  binaryType = "arraybuffer";

  constructor(url, protocols = []) {
    if (constructing) {
      super();
      this.#id = nextSocketId++;
      this.#url = String(url);
      this.#protocol = protocols ?? "";
      return;
    }
    if (arguments.length === 0) {
      throw new TypeError("Failed to construct 'WebSocket': 1 argument required, but only 0 present.");
    }
    // A client socket (the WHATWG steps, with Deno's messages).
    let parsed;
    try {
      parsed = new URL(String(url));
    } catch {
      throw new DOMException(`Invalid URL: '${String(url)}'`, "SyntaxError");
    }
    if (parsed.protocol === "http:") parsed.protocol = "ws:";
    else if (parsed.protocol === "https:") parsed.protocol = "wss:";
    if (parsed.protocol !== "ws:" && parsed.protocol !== "wss:") {
      throw new DOMException(`Only ws & wss schemes are allowed in a WebSocket URL: received ${parsed.protocol}`, "SyntaxError");
    }
    if (parsed.hash !== "" || parsed.href.endsWith("#")) {
      throw new DOMException("Fragments are not allowed in a WebSocket URL", "SyntaxError");
    }
    const list = typeof protocols === "string" ? [protocols] : [...protocols].map(String);
    if (new Set(list.map((p) => p.toLowerCase())).size !== list.length) {
      throw new DOMException("Cannot supply the same protocol multiple times", "SyntaxError");
    }
    if (list.some((p) => !/^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/.test(p))) {
      throw new DOMException("Invalid protocol value", "SyntaxError");
    }
    const port = parsed.port || (parsed.protocol === "wss:" ? "443" : "80");
    if (port === "25" || port === "587") {
      throw new DOMException(`Outbound connections to port ${port} are not allowed in functions (SMTP ports 25 and 587 are blocked)`, "SyntaxError");
    }
    super();
    this.#id = nextSocketId++;
    this.#url = parsed.href;
    this.#protocol = "";
    this.binaryType = "blob";
    this.#client = true;
    const host = parsed.hostname.startsWith("[") ? parsed.hostname.slice(1, -1) : parsed.hostname;
    // Registered once connecting has started: a refused host (NotCapable) leaves nothing behind.
    call(ops.ws_connect, this.#id, host, port, (parsed.pathname || "/") + parsed.search, parsed.protocol === "wss:",
      list, extraCaFiles());
    MapPrototypeSet(sockets, this.#id, this);
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
    // A client's close() without a code sends none (the peer sees 1005), as Deno's does.
    ops.ws_close(this.#id, code ?? (this.#client ? 1005 : 1000), reason ?? "");
  }

  static {
    // Module code (not user code) reaches the private state through this function.
    internals = (socket) => ({
      id: socket.#id,
      setState: (state) => (socket.#state = state),
      setProtocol: (protocol) => (socket.#protocol = protocol),
      state: socket.#state,
      client: socket.#client,
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

// worker.fetch in a main service (js/user_workers.js): the 101 response of a WebSocket the
// user worker accepted. Returned from the main service's handler, `accept(id)` hands its
// request `id`'s connection to that socket.
export function relayedUpgradeResponse(accept) {
  const response = new Response(null, { status: 200 });
  Object.defineProperty(response, "status", { value: 101 });
  WeakMapPrototypeSet(pendingUpgrades, response, accept);
  return response;
}

// serve.js: if `response` came from upgradeWebSocket, accept the upgrade for request `id`.
export function acceptUpgrade(id, response) {
  const socket = WeakMapPrototypeGet(pendingUpgrades, response);
  if (socket === undefined) return false;
  WeakMapPrototypeDelete(pendingUpgrades, response);
  if (typeof socket === "function") {
    socket(id);
    return true;
  }
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
  clearAsyncContext();
  const socket = MapPrototypeGet(sockets, id);
  if (socket === undefined) return;
  const internal = internals(socket);
  if (kind === "open") {
    if (typeof data === "string" && data !== "") internal.setProtocol(data);
    internal.setState(OPEN);
    socket.dispatchEvent(new Event("open"));
  } else if (kind === "message") {
    const payload = typeof data === "string" || socket.binaryType !== "blob" ? data : new Blob([data]);
    socket.dispatchEvent(new MessageEvent("message", { data: payload, origin: socket.url }));
  } else if (kind === "close") {
    MapPrototypeDelete(sockets, id);
    const neverOpened = internal.client && internal.state === CONNECTING;
    internal.setState(CLOSED);
    if (code === 1006) {
      socket.dispatchEvent(new ErrorEvent("error", { message: `NetworkError: failed to connect to WebSocket: ${data}` }));
    }
    // A connection that never opened closes with no code, as in Deno.
    if (neverOpened) socket.dispatchEvent(new CloseEvent("close"));
    else socket.dispatchEvent(new CloseEvent("close", { code, reason: data, wasClean: code !== 1006 }));
  }
}
