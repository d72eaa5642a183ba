// MessageEvent, MessageChannel / MessagePort and BroadcastChannel (HTML), within one
// worker. Messages are structured-cloned when posted (ArrayBuffers in the transfer list
// move, MessagePorts in it are handed over) and delivered as separate tasks.
import { DOMException } from "./domexception.js";
import { defineEventHandler, Event, EventTarget, markTrusted } from "./event.js";
import { ops } from "./ops.js";
import { ILLEGAL, enumerable, illegalConstructor, requiredArgs, setToStringTag } from "./util.js";
import { setTimeout } from "../timers.js";

export class MessageEvent extends Event {
  #data;
  #origin;
  #lastEventId;
  #source;
  #ports;
  constructor(type, eventInitDict = undefined) {
    super(type, eventInitDict);
    const init = eventInitDict ?? {};
    this.#data = init.data === undefined ? null : init.data;
    this.#origin = init.origin === undefined ? "" : String(init.origin);
    this.#lastEventId = init.lastEventId === undefined ? "" : String(init.lastEventId);
    this.#source = init.source === undefined ? null : init.source;
    if (init.ports !== undefined) {
      if (init.ports === null || typeof init.ports[Symbol.iterator] !== "function") {
        throw new TypeError("Failed to construct 'MessageEvent': ports is not iterable");
      }
      const ports = [...init.ports];
      for (const p of ports) {
        if (!(p instanceof MessagePort)) {
          throw new TypeError("Failed to construct 'MessageEvent': ports contains a value that is not a MessagePort");
        }
      }
      this.#ports = Object.freeze(ports);
    } else {
      this.#ports = Object.freeze([]);
    }
  }
  get data() {
    return this.#data;
  }
  get origin() {
    return this.#origin;
  }
  get lastEventId() {
    return this.#lastEventId;
  }
  get source() {
    return this.#source;
  }
  get ports() {
    return this.#ports;
  }
}
setToStringTag(MessageEvent, "MessageEvent");
enumerable(MessageEvent, ["data", "origin", "lastEventId", "source", "ports"]);

function cloneError(e) {
  if (e instanceof Error && typeof e.message === "string" && e.message.startsWith("DataCloneError: ")) {
    return new DOMException(e.message.slice(16), "DataCloneError");
  }
  return e;
}

// Splits a transfer list (sequence or { transfer }) into ArrayBuffers and ports.
function transferOf(options, self) {
  let list = options;
  if (options !== undefined && options !== null && !Array.isArray(options) && typeof options === "object" &&
      typeof options[Symbol.iterator] !== "function") {
    list = options.transfer;
  }
  if (list === undefined || list === null) return { buffers: [], ports: [] };
  if (typeof list !== "object" || typeof list[Symbol.iterator] !== "function") {
    throw new TypeError("Failed to execute 'postMessage' on 'MessagePort': transfer is not iterable");
  }
  const buffers = [];
  const ports = [];
  const seen = new Set();
  for (const t of list) {
    if (seen.has(t)) {
      throw new DOMException("Transfer list contains a duplicate", "DataCloneError");
    }
    seen.add(t);
    if (t instanceof ArrayBuffer) buffers.push(t);
    else if (t instanceof MessagePort) {
      if (t === self) throw new DOMException("Transfer list contains the source port", "DataCloneError");
      if (portState(t).detached) throw new DOMException("A MessagePort could not be cloned because it was detached", "DataCloneError");
      ports.push(t);
    } else {
      throw new DOMException("Value not transferable", "DataCloneError");
    }
  }
  return { buffers, ports };
}

function serialize(message, buffers) {
  try {
    return ops.structured_clone(message, buffers);
  } catch (e) {
    throw cloneError(e);
  }
}

const states = new WeakMap();
function portState(port) {
  return states.get(port);
}

export class MessagePort extends EventTarget {
  constructor(key) {
    if (key !== ILLEGAL) throw illegalConstructor();
    super();
    // peer: the entangled port's state; queue: messages waiting for start().
    states.set(this, { port: this, peer: null, queue: [], started: false, closed: false, detached: false });
  }

  postMessage(message, transfer = undefined) {
    requiredArgs(arguments.length, 1, "Failed to execute 'postMessage' on 'MessagePort'");
    const state = portState(this);
    const { buffers, ports } = transferOf(transfer, this);
    const data = serialize(message, buffers);
    const moved = ports.map(handOver);
    const peer = state.peer;
    if (state.closed || state.detached || peer === null) return;
    deliver(peer, { data, ports: moved });
  }

  start() {
    const state = portState(this);
    if (state.started || state.detached) return;
    state.started = true;
    for (const m of state.queue.splice(0)) schedule(state, m);
  }

  close() {
    const state = portState(this);
    if (state.closed) return;
    state.closed = true;
    state.queue.length = 0;
    const peer = state.peer;
    state.peer = null;
    if (peer !== null) {
      peer.peer = null;
      if (!peer.closed) peer.port.dispatchEvent(markTrusted(new Event("close")));
    }
  }
}
setToStringTag(MessagePort, "MessagePort");
enumerable(MessagePort, ["postMessage", "start", "close"]);
defineEventHandler(MessagePort.prototype, "messageerror");
defineEventHandler(MessagePort.prototype, "close");
// Setting onmessage starts the port (HTML).
{
  defineEventHandler(MessagePort.prototype, "message");
  const desc = Object.getOwnPropertyDescriptor(MessagePort.prototype, "onmessage");
  Object.defineProperty(MessagePort.prototype, "onmessage", {
    ...desc,
    set(value) {
      desc.set.call(this, value);
      this.start();
    },
  });
}

// A transferred port: a new object takes over the old one's endpoint and queue.
function handOver(port) {
  const old = portState(port);
  const fresh = new MessagePort(ILLEGAL);
  const state = portState(fresh);
  state.peer = old.peer;
  state.queue = old.queue;
  state.closed = old.closed;
  if (state.peer !== null) state.peer.peer = state;
  old.peer = null;
  old.queue = [];
  old.detached = true;
  return fresh;
}

function deliver(state, message) {
  if (state.closed) return;
  if (state.started) schedule(state, message);
  else state.queue.push(message);
}

function schedule(state, message) {
  setTimeout(() => {
    // Like Deno, a message already posted is delivered even if a port closed since.
    if (state.detached) return;
    // The clone made when it was posted is the receiver's own copy already.
    state.port.dispatchEvent(markTrusted(new MessageEvent("message", { data: message.data, ports: message.ports })));
  }, 0);
}

export class MessageChannel {
  #port1;
  #port2;
  constructor() {
    this.#port1 = new MessagePort(ILLEGAL);
    this.#port2 = new MessagePort(ILLEGAL);
    const a = portState(this.#port1);
    const b = portState(this.#port2);
    a.peer = b;
    b.peer = a;
  }
  get port1() {
    return this.#port1;
  }
  get port2() {
    return this.#port2;
  }
}
setToStringTag(MessageChannel, "MessageChannel");
enumerable(MessageChannel, ["port1", "port2"]);

// BroadcastChannel: every open channel of the same name in this worker but the sender.
const channels = new Map();

export class BroadcastChannel extends EventTarget {
  #name;
  #closed = false;
  constructor(name) {
    requiredArgs(arguments.length, 1, "Failed to construct 'BroadcastChannel'");
    super();
    this.#name = String(name);
    let set = channels.get(this.#name);
    if (!set) channels.set(this.#name, (set = new Set()));
    set.add(this);
  }
  get name() {
    return this.#name;
  }
  postMessage(message) {
    requiredArgs(arguments.length, 1, "Failed to execute 'postMessage' on 'BroadcastChannel'");
    if (this.#closed) throw new DOMException("BroadcastChannel is closed.", "InvalidStateError");
    serialize(message, []); // throws a DataCloneError before anything is sent
    for (const target of channels.get(this.#name) ?? []) {
      if (target === this) continue;
      const data = serialize(message, []);
      setTimeout(() => target.#receive(data), 0);
    }
  }
  #receive(data) {
    if (this.#closed) return;
    this.dispatchEvent(markTrusted(new MessageEvent("message", { data })));
  }
  close() {
    if (this.#closed) return;
    this.#closed = true;
    const set = channels.get(this.#name);
    set?.delete(this);
    if (set?.size === 0) channels.delete(this.#name);
  }
}
setToStringTag(BroadcastChannel, "BroadcastChannel");
enumerable(BroadcastChannel, ["name", "postMessage", "close"]);
defineEventHandler(BroadcastChannel.prototype, "message");
defineEventHandler(BroadcastChannel.prototype, "messageerror");
