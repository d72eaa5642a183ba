// node:events: the `events` npm package (Node's EventEmitter for all engines, pinned)
// with what Node added since it was cut: captureRejections, errorMonitor, the async
// iterator `on`, `once` with an AbortSignal, getEventListeners/setMaxListeners and
// addAbortListener. The package's prototype is shared, so emitters made by other bundled
// packages (readable-stream) are `instanceof EventEmitter` too.
import { AsyncResource } from "./async_hooks.js";
import { AbortError, invalidArgType, makeError, validateAbortSignal, validateBoolean, validateFunction } from "./errors.js";

export function createEvents() {
  // eslint-disable-next-line no-undef -- esbuild's require, resolved at bundle time
  const Base = require("events");
  const kCapture = Symbol("kCapture");
  const captureRejectionSymbol = Symbol.for("nodejs.rejection");
  const errorMonitor = Symbol("events.errorMonitor");
  let captureRejections = false;

  function EventEmitter(opts) {
    EventEmitter.init.call(this, opts);
  }
  EventEmitter.prototype = Base.prototype;
  Object.defineProperty(Base.prototype, "constructor", { value: EventEmitter, writable: true, configurable: true });

  // Base's own constructor (used by the packages that import `events` themselves) calls
  // Base.init: both take the options now.
  EventEmitter.init = Base.init = function init(opts) {
    if (this._events === undefined || this._events === Object.getPrototypeOf(this)._events) {
      this._events = Object.create(null);
      this._eventsCount = 0;
    }
    this._maxListeners = this._maxListeners || undefined;
    if (opts?.captureRejections !== undefined) {
      validateBoolean(opts.captureRejections, "options.captureRejections");
      this[kCapture] = Boolean(opts.captureRejections);
    } else {
      this[kCapture] = EventEmitter.prototype[kCapture];
    }
  };
  EventEmitter.prototype[kCapture] = false;

  Object.defineProperty(EventEmitter, "captureRejections", {
    get: () => captureRejections,
    set(value) {
      validateBoolean(value, "EventEmitter.captureRejections");
      captureRejections = value;
      EventEmitter.prototype[kCapture] = value;
    },
    enumerable: true,
    configurable: true,
  });
  Object.defineProperty(EventEmitter, "defaultMaxListeners", {
    get: () => Base.defaultMaxListeners,
    set: (value) => {
      Base.defaultMaxListeners = value;
    },
    enumerable: true,
    configurable: true,
  });

  const baseEmit = Base.prototype.emit;
  EventEmitter.prototype.emit = function emit(type, ...args) {
    if (type === "error" && this._events?.[errorMonitor] !== undefined) {
      Reflect.apply(baseEmit, this, [errorMonitor, ...args]);
    }
    if (!this[kCapture]) return Reflect.apply(baseEmit, this, [type, ...args]);
    const handler = this._events?.[type];
    if (handler === undefined) return Reflect.apply(baseEmit, this, [type, ...args]);
    const listeners = typeof handler === "function" ? [handler] : handler.slice();
    for (const listener of listeners) {
      const result = Reflect.apply(listener, this, args);
      if (result !== undefined && result !== null) addCatch(this, result, type, args);
    }
    return true;
  };

  // captureRejections: a listener's rejected promise becomes an 'error' event (or a call of
  // the emitter's Symbol.for('nodejs.rejection') method).
  function addCatch(emitter, promise, type, args) {
    try {
      const then = promise.then;
      if (typeof then === "function") {
        Reflect.apply(then, promise, [
          undefined,
          (error) => queueMicrotask(() => emitRejection(emitter, error, type, args)),
        ]);
      }
    } catch (error) {
      emitter.emit("error", error);
    }
  }

  function emitRejection(emitter, error, type, args) {
    if (typeof emitter[captureRejectionSymbol] === "function") {
      emitter[captureRejectionSymbol](error, type, ...args);
      return;
    }
    const previous = emitter[kCapture];
    try {
      emitter[kCapture] = false;
      emitter.emit("error", error);
    } finally {
      emitter[kCapture] = previous;
    }
  }

  function isEventTarget(value) {
    return typeof value?.addEventListener === "function" && typeof value?.removeEventListener === "function";
  }

  function listen(emitter, name, listener, flags) {
    if (typeof emitter.on === "function") {
      if (flags?.once) emitter.once(name, listener);
      else emitter.on(name, listener);
    } else if (isEventTarget(emitter)) {
      emitter.addEventListener(name, listener, flags);
    } else {
      throw invalidArgType("emitter", "EventEmitter", emitter);
    }
  }

  function unlisten(emitter, name, listener) {
    if (typeof emitter.removeListener === "function") emitter.removeListener(name, listener);
    else if (isEventTarget(emitter)) emitter.removeEventListener(name, listener);
  }

  function abortError(signal) {
    return new AbortError(undefined, { cause: signal?.reason });
  }

  // events.once(emitter, name, { signal }) -> a promise for the event's arguments.
  function once(emitter, name, options = {}) {
    const signal = options?.signal;
    validateAbortSignal(signal, "options.signal");
    if (signal?.aborted) return Promise.reject(abortError(signal));
    return new Promise((resolve, reject) => {
      const onError = (error) => {
        unlisten(emitter, name, resolver);
        signal?.removeEventListener("abort", onAbort);
        reject(error);
      };
      const resolver = (...args) => {
        if (typeof emitter.removeListener === "function") emitter.removeListener("error", onError);
        signal?.removeEventListener("abort", onAbort);
        resolve(isEventTarget(emitter) && typeof emitter.on !== "function" ? args : args);
      };
      const onAbort = () => {
        unlisten(emitter, name, resolver);
        unlisten(emitter, "error", onError);
        reject(abortError(signal));
      };
      listen(emitter, name, resolver, { once: true });
      if (name !== "error" && typeof emitter.once === "function") emitter.once("error", onError);
      signal?.addEventListener("abort", onAbort, { once: true });
    });
  }

  // events.on(emitter, name, { signal, close }) -> an async iterator of the events'
  // argument arrays; an 'error' event rejects the next read.
  function on(emitter, event, options = {}) {
    const signal = options?.signal;
    validateAbortSignal(signal, "options.signal");
    if (signal?.aborted) throw abortError(signal);
    const queue = [];
    const waiting = [];
    let failure = null;
    let finished = false;
    const closeEvents = options?.close ?? [];

    const onEvent = (...args) => {
      const next = waiting.shift();
      if (next) next.resolve({ value: args, done: false });
      else queue.push(args);
    };
    const onError = (error) => {
      const next = waiting.shift();
      if (next) next.reject(error);
      else failure = error;
      iterator.return();
    };
    const onClose = () => closeIterator();
    const onAbort = () => onError(abortError(signal));

    function closeIterator() {
      cleanup();
      finished = true;
      for (const next of waiting.splice(0)) next.resolve({ value: undefined, done: true });
      return Promise.resolve({ value: undefined, done: true });
    }
    function cleanup() {
      unlisten(emitter, event, onEvent);
      if (event !== "error") unlisten(emitter, "error", onError);
      for (const name of closeEvents) unlisten(emitter, name, onClose);
      signal?.removeEventListener("abort", onAbort);
    }

    listen(emitter, event, onEvent);
    if (event !== "error" && typeof emitter.on === "function") emitter.on("error", onError);
    for (const name of closeEvents) listen(emitter, name, onClose);
    signal?.addEventListener("abort", onAbort, { once: true });

    const iterator = {
      next() {
        if (queue.length > 0) return Promise.resolve({ value: queue.shift(), done: false });
        if (failure) {
          const error = failure;
          failure = null;
          return Promise.reject(error);
        }
        if (finished) return Promise.resolve({ value: undefined, done: true });
        return new Promise((resolve, reject) => waiting.push({ resolve, reject }));
      },
      return() {
        return closeIterator();
      },
      throw(error) {
        if (!(error instanceof Error)) throw invalidArgType("EventEmitter.AsyncIterator", "Error", error);
        onError(error);
        return Promise.resolve({ value: undefined, done: true });
      },
      [Symbol.asyncIterator]() {
        return this;
      },
    };
    return iterator;
  }

  function getEventListeners(emitter, name) {
    if (typeof emitter?.listeners === "function") return emitter.listeners(name);
    throw invalidArgType("emitter", ["EventEmitter", "EventTarget"], emitter);
  }

  function getMaxListeners(emitter) {
    if (typeof emitter?.getMaxListeners === "function") return emitter.getMaxListeners();
    return Base.defaultMaxListeners;
  }

  function setMaxListeners(n = Base.defaultMaxListeners, ...targets) {
    if (typeof n !== "number" || n < 0 || Number.isNaN(n)) {
      throw makeError(RangeError, "ERR_OUT_OF_RANGE", `The value of "n" is out of range. It must be a non-negative number. Received ${n}`);
    }
    if (targets.length === 0) {
      Base.defaultMaxListeners = n;
      return;
    }
    for (const target of targets) {
      if (typeof target?.setMaxListeners === "function") target.setMaxListeners(n);
      else if (!isEventTarget(target)) throw invalidArgType("eventTargets", ["EventEmitter", "EventTarget"], target);
    }
  }

  function addAbortListener(signal, listener) {
    validateAbortSignal(signal, "signal");
    validateFunction(listener, "listener");
    let removed = false;
    const run = () => {
      if (!removed) listener({ type: "abort", target: signal });
    };
    if (signal.aborted) queueMicrotask(run);
    else signal.addEventListener("abort", run, { once: true });
    const dispose = () => {
      removed = true;
      signal.removeEventListener("abort", run);
    };
    return { [Symbol.dispose ?? Symbol.for("nodejs.dispose")]: dispose };
  }

  const listenerCount = Base.listenerCount;

  // An EventEmitter whose listeners run in the async context it was made in
  // (AsyncLocalStorage stores, async_hooks.js), wherever emit() is called from.
  class EventEmitterAsyncResource extends EventEmitter {
    #resource;
    constructor(options = undefined) {
      super(options);
      this.#resource = new AsyncResource(options?.name ?? new.target.name, options);
    }
    emit(event, ...args) {
      const emit = super.emit;
      return this.#resource.runInAsyncScope(emit, this, event, ...args);
    }
    emitDestroy() {
      this.#resource.emitDestroy();
    }
    get asyncId() {
      return this.#resource.asyncId();
    }
    get triggerAsyncId() {
      return this.#resource.triggerAsyncId();
    }
    get asyncResource() {
      return this.#resource;
    }
  }

  Object.assign(EventEmitter, {
    EventEmitter,
    EventEmitterAsyncResource,
    once,
    on,
    getEventListeners,
    getMaxListeners,
    setMaxListeners,
    addAbortListener,
    listenerCount,
    errorMonitor,
    captureRejectionSymbol,
    usingDomains: false,
  });

  return EventEmitter;
}
