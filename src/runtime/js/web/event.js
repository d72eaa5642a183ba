// Event, EventTarget, CustomEvent, ErrorEvent, PromiseRejectionEvent (DOM / HTML).
// There is no node tree: dispatch reaches the target only.
import { DOMException } from "./domexception.js";
import { defineConstants, enumerable, requiredArgs, setToStringTag } from "./util.js";

let reportErrorHook = (e) => {
  throw e;
};
// Set by microtask.js: how listener exceptions are reported.
export function setListenerErrorReporter(fn) {
  reportErrorHook = fn;
}

let setTrusted;
let setDispatchState;

export class Event {
  #type;
  #bubbles;
  #cancelable;
  #composed;
  #canceled = false;
  #inPassive = false;
  #stop = false;
  #stopImmediate = false;
  #dispatching = false;
  #initialized = true;
  #trusted = false;
  #target = null;
  #currentTarget = null;
  #phase = 0;
  #timeStamp;

  static {
    setTrusted = (e, v) => {
      e.#trusted = v;
    };
    setDispatchState = (e, s) => {
      if ("dispatching" in s) e.#dispatching = s.dispatching;
      if ("target" in s) e.#target = s.target;
      if ("currentTarget" in s) e.#currentTarget = s.currentTarget;
      if ("phase" in s) e.#phase = s.phase;
      if ("passive" in s) e.#inPassive = s.passive;
      if (s.get) return { stop: e.#stop, stopImmediate: e.#stopImmediate, dispatching: e.#dispatching };
      if (s.reset) {
        e.#stop = false;
        e.#stopImmediate = false;
      }
    };
  }

  constructor(type, eventInitDict = undefined) {
    requiredArgs(arguments.length, 1, "Failed to construct 'Event'");
    this.#type = String(type);
    const init = eventInitDict ?? {};
    if (typeof init !== "object" && typeof init !== "function") {
      throw new TypeError("Failed to construct 'Event': eventInitDict is not an object");
    }
    this.#bubbles = !!init.bubbles;
    this.#cancelable = !!init.cancelable;
    this.#composed = !!init.composed;
    this.#timeStamp = Date.now();
  }

  get type() {
    return this.#type;
  }
  get target() {
    return this.#target;
  }
  get srcElement() {
    return this.#target;
  }
  get currentTarget() {
    return this.#currentTarget;
  }
  composedPath() {
    return this.#currentTarget ? [this.#currentTarget] : [];
  }
  get eventPhase() {
    return this.#phase;
  }
  stopPropagation() {
    this.#stop = true;
  }
  get cancelBubble() {
    return this.#stop;
  }
  set cancelBubble(v) {
    if (v) this.#stop = true;
  }
  stopImmediatePropagation() {
    this.#stop = true;
    this.#stopImmediate = true;
  }
  get bubbles() {
    return this.#bubbles;
  }
  get cancelable() {
    return this.#cancelable;
  }
  get returnValue() {
    return !this.#canceled;
  }
  set returnValue(v) {
    if (!v && this.#cancelable && !this.#inPassive) this.#canceled = true;
  }
  preventDefault() {
    if (this.#cancelable && !this.#inPassive) this.#canceled = true;
  }
  get defaultPrevented() {
    return this.#canceled;
  }
  get composed() {
    return this.#composed;
  }
  get isTrusted() {
    return this.#trusted;
  }
  get timeStamp() {
    return this.#timeStamp;
  }
  initEvent(type, bubbles = false, cancelable = false) {
    requiredArgs(arguments.length, 1, "Failed to execute 'initEvent' on 'Event'");
    if (this.#dispatching) return;
    this.#initialized = true;
    this.#stop = false;
    this.#stopImmediate = false;
    this.#canceled = false;
    this.#trusted = false;
    this.#target = null;
    this.#type = String(type);
    this.#bubbles = !!bubbles;
    this.#cancelable = !!cancelable;
  }
}

defineConstants(Event, { NONE: 0, CAPTURING_PHASE: 1, AT_TARGET: 2, BUBBLING_PHASE: 3 });
setToStringTag(Event, "Event");
enumerable(Event, [
  "type", "target", "srcElement", "currentTarget", "composedPath", "eventPhase",
  "stopPropagation", "cancelBubble", "stopImmediatePropagation", "bubbles", "cancelable",
  "returnValue", "preventDefault", "defaultPrevented", "composed", "isTrusted", "timeStamp",
  "initEvent",
]);

export function markTrusted(event) {
  setTrusted(event, true);
  return event;
}

function flattenOptions(options) {
  if (typeof options === "boolean") return { capture: options };
  if (options == null) return { capture: false };
  return options;
}

// target -> Map<type, Array<{callback, capture, once, passive, removed}>>, created lazily.
// A WeakMap (not a field) so that objects whose prototype chain merely includes
// EventTarget.prototype (e.g. the global object) work too.
const listenerMaps = new WeakMap();

// Whether `target` has a listener for `type`: an event nobody listens to need not be made
// (the lifecycle events every ending worker would otherwise build for nothing).
export function hasListeners(target, type) {
  const list = listenerMaps.get(target)?.get(type);
  return list !== undefined && list.length > 0;
}

export class EventTarget {

  addEventListener(type, callback, options = undefined) {
    requiredArgs(arguments.length, 2, "Failed to execute 'addEventListener' on 'EventTarget'");
    const self = this ?? globalThis;
    if (callback === null) return;
    if (typeof callback !== "function" && typeof callback !== "object") {
      throw new TypeError(
        "Failed to execute 'addEventListener' on 'EventTarget': parameter 2 is not of type 'Object'.",
      );
    }
    type = String(type);
    const o = flattenOptions(options);
    const capture = !!o.capture;
    const once = typeof options === "object" && options !== null ? !!o.once : false;
    const passive = typeof options === "object" && options !== null ? !!o.passive : false;
    const signal = typeof options === "object" && options !== null ? o.signal : undefined;
    if (signal !== undefined && signal !== null && signal.aborted) return;
    let map = listenerMaps.get(self);
    if (!map) listenerMaps.set(self, (map = new Map()));
    let list = map.get(type);
    if (!list) map.set(type, (list = []));
    for (const l of list) {
      if (l.callback === callback && l.capture === capture) return;
    }
    const entry = { callback, capture, once, passive, removed: false };
    list.push(entry);
    if (signal) {
      signal.addEventListener("abort", () => {
        self.removeEventListener(type, callback, { capture });
      });
    }
  }

  removeEventListener(type, callback, options = undefined) {
    requiredArgs(arguments.length, 2, "Failed to execute 'removeEventListener' on 'EventTarget'");
    const self = this ?? globalThis;
    const map = listenerMaps.get(self);
    if (!map) return;
    const list = map.get(String(type));
    if (!list) return;
    const capture = !!flattenOptions(options).capture;
    for (let i = 0; i < list.length; i++) {
      const l = list[i];
      if (l.callback === callback && l.capture === capture) {
        l.removed = true;
        list.splice(i, 1);
        break;
      }
    }
  }

  dispatchEvent(event) {
    requiredArgs(arguments.length, 1, "Failed to execute 'dispatchEvent' on 'EventTarget'");
    if (!(event instanceof Event)) {
      throw new TypeError(
        "Failed to execute 'dispatchEvent' on 'EventTarget': parameter 1 is not of type 'Event'.",
      );
    }
    const self = this ?? globalThis;
    if (setDispatchState(event, { get: true }).dispatching) {
      throw new DOMException("Invalid event state", "InvalidStateError");
    }
    return dispatch(self, event);
  }
}

function dispatch(target, event) {
  setDispatchState(event, { dispatching: true, target, currentTarget: target, phase: 2 });
  const map = listenerMaps.get(target);
  const list = map && map.get(event.type);
  if (list && list.length) {
    // Capture listeners first, then bubbling ones (both at target).
    const snapshot = list.slice();
    for (const phaseCapture of [true, false]) {
      for (const l of snapshot) {
        if (l.removed || l.capture !== phaseCapture) continue;
        if (l.once) {
          target.removeEventListener(event.type, l.callback, { capture: l.capture });
        }
        setDispatchState(event, { passive: l.passive });
        try {
          const cb = l.callback;
          if (typeof cb === "function") {
            cb.call(target, event);
          } else if (cb && typeof cb.handleEvent === "function") {
            cb.handleEvent(event);
          }
        } catch (e) {
          reportErrorHook(e);
        }
        setDispatchState(event, { passive: false });
        if (setDispatchState(event, { get: true }).stopImmediate) break;
      }
      if (setDispatchState(event, { get: true }).stopImmediate) break;
    }
  }
  setDispatchState(event, { dispatching: false, currentTarget: null, phase: 0, reset: true });
  return !event.defaultPrevented;
}

setToStringTag(EventTarget, "EventTarget");
enumerable(EventTarget, ["addEventListener", "removeEventListener", "dispatchEvent"]);

// Defines an `on<type>` event handler attribute on a prototype.
export function defineEventHandler(proto, type) {
  const handlers = new WeakMap();
  Object.defineProperty(proto, `on${type}`, {
    get() {
      return handlers.get(this)?.handler ?? null;
    },
    set(value) {
      if (typeof value !== "function" && (typeof value !== "object" || value === null)) value = null;
      let h = handlers.get(this);
      if (!h) {
        if (value === null) return;
        const self = this;
        h = { handler: value };
        h.listener = function (ev) {
          const fn = h.handler;
          if (typeof fn !== "function") return;
          const r = fn.call(self, ev);
          if (r === false && ev.cancelable) ev.preventDefault();
        };
        handlers.set(this, h);
        this.addEventListener(type, h.listener);
      } else {
        h.handler = value;
      }
    },
    enumerable: true,
    configurable: true,
  });
}

export class CustomEvent extends Event {
  #detail;
  constructor(type, eventInitDict = undefined) {
    requiredArgs(arguments.length, 1, "Failed to construct 'CustomEvent'");
    super(type, eventInitDict);
    this.#detail = eventInitDict?.detail ?? null;
  }
  get detail() {
    return this.#detail;
  }
  initCustomEvent(type, bubbles = false, cancelable = false, detail = null) {
    this.initEvent(type, bubbles, cancelable);
    this.#detail = detail;
  }
}
setToStringTag(CustomEvent, "CustomEvent");
enumerable(CustomEvent, ["detail"]);

export class ErrorEvent extends Event {
  #message;
  #filename;
  #lineno;
  #colno;
  #error;
  constructor(type, eventInitDict = undefined) {
    requiredArgs(arguments.length, 1, "Failed to construct 'ErrorEvent'");
    super(type, eventInitDict);
    const i = eventInitDict ?? {};
    this.#message = i.message === undefined ? "" : String(i.message);
    this.#filename = i.filename === undefined ? "" : String(i.filename);
    this.#lineno = i.lineno === undefined ? 0 : i.lineno >>> 0;
    this.#colno = i.colno === undefined ? 0 : i.colno >>> 0;
    this.#error = i.error;
  }
  get message() {
    return this.#message;
  }
  get filename() {
    return this.#filename;
  }
  get lineno() {
    return this.#lineno;
  }
  get colno() {
    return this.#colno;
  }
  get error() {
    return this.#error;
  }
}
setToStringTag(ErrorEvent, "ErrorEvent");
enumerable(ErrorEvent, ["message", "filename", "lineno", "colno", "error"]);

export class PromiseRejectionEvent extends Event {
  #promise;
  #reason;
  constructor(type, eventInitDict = undefined) {
    requiredArgs(arguments.length, 2, "Failed to construct 'PromiseRejectionEvent'");
    super(type, eventInitDict);
    if (eventInitDict == null || typeof eventInitDict !== "object" || !("promise" in eventInitDict)) {
      throw new TypeError(
        "Failed to construct 'PromiseRejectionEvent': required member promise is undefined.",
      );
    }
    this.#promise = eventInitDict.promise;
    this.#reason = eventInitDict.reason;
  }
  get promise() {
    return this.#promise;
  }
  get reason() {
    return this.#reason;
  }
}
setToStringTag(PromiseRejectionEvent, "PromiseRejectionEvent");
enumerable(PromiseRejectionEvent, ["promise", "reason"]);
