// node:async_hooks: AsyncLocalStorage and AsyncResource over the runtime's async context
// (js/async_context.js): one immutable "frame" (a Map from each AsyncLocalStorage to its
// store) is the current context. V8 carries it into every promise continuation; the
// runtime's timers and process.nextTick capture it when scheduled and restore it when run.
// A new store makes a new frame, so a continuation always sees the frame it was made in.
//
// createHook() returns a hook that never fires: the runtime does not track async
// resources one by one (that would cost every promise), and packages create hooks at load
// time and use them for diagnostics only. executionAsyncId()/triggerAsyncId() are 0 for
// the same reason (Node's own value when the id is unknown).
import { host } from "./runtime.js";
import { validateFunction, validateObject, validateString, invalidArgType } from "./errors.js";

function context() {
  return host.asyncContext;
}

function currentFrame() {
  return host.ops.async_context_get();
}

function withFrame(frame, fn, thisArg, args) {
  return context().run(frame, fn, thisArg, args);
}

// The current frame with `storage` set to `store` (or removed when `remove`).
function frameWith(storage, store, remove = false) {
  const frame = new Map(currentFrame());
  if (remove) frame.delete(storage);
  else frame.set(storage, store);
  return frame;
}

export class AsyncLocalStorage {
  #enabled = false;

  static bind(fn) {
    return AsyncResource.bind(fn);
  }

  static snapshot() {
    context().enable();
    const frame = currentFrame();
    return function runInAsyncScope(fn, ...args) {
      return withFrame(frame, fn, this, args);
    };
  }

  run(store, callback, ...args) {
    context().enable();
    this.#enabled = true;
    return withFrame(frameWith(this, store), callback, undefined, args);
  }

  exit(callback, ...args) {
    if (!this.#enabled) return Reflect.apply(callback, undefined, args);
    return withFrame(frameWith(this, undefined, true), callback, undefined, args);
  }

  // Sets the store for the rest of this synchronous run and what it schedules.
  enterWith(store) {
    context().enable();
    this.#enabled = true;
    host.ops.async_context_set(frameWith(this, store));
  }

  getStore() {
    if (!this.#enabled) return undefined;
    return currentFrame()?.get(this);
  }

  disable() {
    if (!this.#enabled) return;
    this.#enabled = false;
    host.ops.async_context_set(frameWith(this, undefined, true));
  }
}

let nextAsyncId = 1;

export class AsyncResource {
  #frame;
  #asyncId;
  #triggerAsyncId;

  constructor(type, options = {}) {
    validateString(type, "type");
    if (typeof options === "number") options = { triggerAsyncId: options };
    this.#asyncId = nextAsyncId++;
    this.#triggerAsyncId = options?.triggerAsyncId ?? 0;
    context().enable();
    this.#frame = currentFrame();
  }

  static bind(fn, type = undefined, thisArg = undefined) {
    validateFunction(fn, "fn");
    return new AsyncResource(type ?? (fn.name || "bound-anonymous-fn")).bind(fn, thisArg);
  }

  runInAsyncScope(fn, thisArg, ...args) {
    return withFrame(this.#frame, fn, thisArg, args);
  }

  bind(fn, thisArg = undefined) {
    validateFunction(fn, "fn");
    const resource = this;
    const bound = function (...args) {
      return resource.runInAsyncScope(fn, thisArg === undefined ? this : thisArg, ...args);
    };
    Object.defineProperties(bound, {
      length: { value: fn.length, configurable: true },
      asyncResource: { value: this, configurable: true, enumerable: true, writable: true },
    });
    return bound;
  }

  emitDestroy() {
    return this;
  }

  asyncId() {
    return this.#asyncId;
  }

  triggerAsyncId() {
    return this.#triggerAsyncId;
  }
}

export function createAsyncHooks() {
  return {
    AsyncLocalStorage,
    AsyncResource,
    executionAsyncId: () => 0,
    triggerAsyncId: () => 0,
    executionAsyncResource: () => ({}),
    createHook(callbacks) {
      validateObject(callbacks, "callbacks");
      for (const name of ["init", "before", "after", "destroy", "promiseResolve"]) {
        if (callbacks[name] !== undefined && typeof callbacks[name] !== "function") {
          throw invalidArgType(`hook.${name}`, "Function", callbacks[name]);
        }
      }
      // A hook that never fires (see the top of this file).
      return {
        enable() {
          return this;
        },
        disable() {
          return this;
        },
      };
    },
    asyncWrapProviders: Object.freeze({ NONE: 0, PROMISE: 26, TIMERWRAP: 29 }),
  };
}
