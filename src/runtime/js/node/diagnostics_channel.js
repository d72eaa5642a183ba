// node:diagnostics_channel: named channels packages publish to (undici, fastify, pino, ...)
// and tracing channels. Plain JavaScript; stores bound with bindStore are
// AsyncLocalStorage (async_hooks.js), entered for the time of runStores.
import { validateFunction, invalidArgType } from "./errors.js";

const channels = new Map();

function reportLater(error) {
  // A subscriber's error must not break the publisher: it is thrown on a later tick, as
  // Node does, where it reaches the worker's uncaught-error handling.
  queueMicrotask(() => {
    throw error;
  });
}

export class Channel {
  #subscribers = [];
  #stores = new Map();

  constructor(name) {
    this.name = name;
  }

  get hasSubscribers() {
    return this.#subscribers.length > 0 || this.#stores.size > 0;
  }

  subscribe(onMessage) {
    validateFunction(onMessage, "subscription");
    this.#subscribers = [...this.#subscribers, onMessage];
  }

  unsubscribe(onMessage) {
    const index = this.#subscribers.indexOf(onMessage);
    if (index === -1) return false;
    this.#subscribers = [...this.#subscribers.slice(0, index), ...this.#subscribers.slice(index + 1)];
    return true;
  }

  publish(data) {
    for (const onMessage of this.#subscribers) {
      try {
        onMessage(data, this.name);
      } catch (error) {
        reportLater(error);
      }
    }
  }

  bindStore(store, transform = undefined) {
    if (transform !== undefined) validateFunction(transform, "transform");
    this.#stores.set(store, transform);
  }

  unbindStore(store) {
    return this.#stores.delete(store);
  }

  // Runs `fn` with each bound store set to (the transform of) `data`, after publishing it.
  runStores(data, fn, thisArg = undefined, ...args) {
    let run = () => {
      this.publish(data);
      return Reflect.apply(fn, thisArg, args);
    };
    for (const [store, transform] of this.#stores) {
      const inner = run;
      run = () => {
        let value = data;
        if (transform) {
          try {
            value = transform(data);
          } catch (error) {
            reportLater(error);
            return inner();
          }
        }
        return store.run(value, inner);
      };
    }
    return run();
  }
}

export function channel(name) {
  if (typeof name !== "string" && typeof name !== "symbol") throw invalidArgType("channel", ["string", "symbol"], name);
  let found = channels.get(name);
  if (found === undefined) {
    found = new Channel(name);
    channels.set(name, found);
  }
  return found;
}

export function hasSubscribers(name) {
  return channels.get(name)?.hasSubscribers ?? false;
}

export function subscribe(name, onMessage) {
  channel(name).subscribe(onMessage);
}

export function unsubscribe(name, onMessage) {
  return channel(name).unsubscribe(onMessage);
}

const kinds = ["start", "end", "asyncStart", "asyncEnd", "error"];

export class TracingChannel {
  constructor(nameOrChannels) {
    for (const kind of kinds) {
      if (typeof nameOrChannels === "string") {
        this[kind] = channel(`tracing:${nameOrChannels}:${kind}`);
      } else if (nameOrChannels !== null && typeof nameOrChannels === "object" && nameOrChannels[kind] instanceof Channel) {
        this[kind] = nameOrChannels[kind];
      } else {
        throw invalidArgType("nameOrChannels", ["string", "object", "TracingChannel"], nameOrChannels);
      }
    }
  }

  get hasSubscribers() {
    return kinds.some((kind) => this[kind].hasSubscribers);
  }

  subscribe(handlers) {
    for (const kind of kinds) if (handlers[kind]) this[kind].subscribe(handlers[kind]);
  }

  unsubscribe(handlers) {
    let done = true;
    for (const kind of kinds) if (handlers[kind] && !this[kind].unsubscribe(handlers[kind])) done = false;
    return done;
  }

  traceSync(fn, context = {}, thisArg = undefined, ...args) {
    if (!this.hasSubscribers) return Reflect.apply(fn, thisArg, args);
    return this.start.runStores(context, () => {
      try {
        context.result = Reflect.apply(fn, thisArg, args);
        return context.result;
      } catch (error) {
        context.error = error;
        this.error.publish(context);
        throw error;
      } finally {
        this.end.publish(context);
      }
    });
  }

  tracePromise(fn, context = {}, thisArg = undefined, ...args) {
    if (!this.hasSubscribers) return Reflect.apply(fn, thisArg, args);
    const resolved = (result) => {
      context.result = result;
      this.asyncStart.publish(context);
      this.asyncEnd.publish(context);
      return result;
    };
    const rejected = (error) => {
      context.error = error;
      this.error.publish(context);
      this.asyncStart.publish(context);
      this.asyncEnd.publish(context);
      throw error;
    };
    return this.start.runStores(context, () => {
      try {
        const promise = Reflect.apply(fn, thisArg, args);
        return Promise.resolve(promise).then(resolved, rejected);
      } catch (error) {
        context.error = error;
        this.error.publish(context);
        throw error;
      } finally {
        this.end.publish(context);
      }
    });
  }

  traceCallback(fn, position = -1, context = {}, thisArg = undefined, ...args) {
    if (!this.hasSubscribers) return Reflect.apply(fn, thisArg, args);
    const index = position < 0 ? args.length + position : position;
    const callback = args[index];
    validateFunction(callback, "callback");
    const channels = this;
    args[index] = function wrapped(error, result) {
      if (error) {
        context.error = error;
        channels.error.publish(context);
      } else {
        context.result = result;
      }
      return channels.asyncStart.runStores(context, () => {
        try {
          return Reflect.apply(callback, this, arguments);
        } finally {
          channels.asyncEnd.publish(context);
        }
      });
    };
    return this.start.runStores(context, () => {
      try {
        return Reflect.apply(fn, thisArg, args);
      } catch (error) {
        context.error = error;
        this.error.publish(context);
        throw error;
      } finally {
        this.end.publish(context);
      }
    });
  }
}

export function createDiagnosticsChannel() {
  return {
    channel,
    hasSubscribers,
    subscribe,
    unsubscribe,
    tracingChannel: (nameOrChannels) => new TracingChannel(nameOrChannels),
    Channel,
  };
}
