// node:timers, and the setImmediate/clearImmediate globals: Node's Timeout and Immediate
// objects over the runtime's timers (js/timers.js). ref()/unref() are recorded only: a
// worker's life is its requests', not its timers'.
import { host } from "./runtime.js";
import { validateFunction } from "./errors.js";
import { loadBuiltin } from "./registry.js";

const kId = Symbol("timerId");

// What Timeout and Immediate share: the runtime's timer id and the recorded ref state.
class TimerHandle {
  constructor() {
    this._ref = true;
  }
  ref() {
    this._ref = true;
    return this;
  }
  unref() {
    this._ref = false;
    return this;
  }
  hasRef() {
    return this._ref;
  }
}

export class Timeout extends TimerHandle {
  constructor(callback, delay, args, repeat) {
    super();
    this._onTimeout = callback;
    this._idleTimeout = delay;
    this._repeat = repeat ? delay : null;
    this._args = args;
    this[kId] = this.#start();
  }
  #start() {
    const run = (...args) => Reflect.apply(this._onTimeout, this, args);
    return this._repeat !== null
      ? host.timers.setInterval(run, this._idleTimeout, ...this._args)
      : host.timers.setTimeout(run, this._idleTimeout, ...this._args);
  }
  refresh() {
    host.timers.clearTimeout(this[kId]);
    this[kId] = this.#start();
    return this;
  }
  close() {
    host.timers.clearTimeout(this[kId]);
    return this;
  }
  [Symbol.toPrimitive]() {
    return this[kId];
  }
}

export class Immediate extends TimerHandle {
  constructor(callback, args) {
    super();
    this._onImmediate = callback;
    this[kId] = host.timers.setTimeout(() => Reflect.apply(callback, this, args), 0);
  }
}

function idOf(timer) {
  if (timer !== null && typeof timer === "object") return timer[kId];
  return timer;
}

export function setTimeout(callback, delay = 1, ...args) {
  validateFunction(callback, "callback");
  return new Timeout(callback, delay, args, false);
}
export function setInterval(callback, delay = 1, ...args) {
  validateFunction(callback, "callback");
  return new Timeout(callback, delay, args, true);
}
export function setImmediate(callback, ...args) {
  validateFunction(callback, "callback");
  return new Immediate(callback, args);
}
export function clearTimeout(timer) {
  host.timers.clearTimeout(idOf(timer));
}
export const clearInterval = clearTimeout;
export function clearImmediate(immediate) {
  host.timers.clearTimeout(idOf(immediate));
}

export function createTimers() {
  return {
  Timeout,
  Immediate,
  setTimeout,
  setInterval,
  setImmediate,
  clearTimeout,
  clearInterval,
  clearImmediate,
  get promises() {
    return loadBuiltin("timers/promises");
  },
  };
}
