// node:timers/promises: promise forms of the timers, cancellable with an AbortSignal.
import { host } from "./runtime.js";
import { AbortError, validateAbortSignal, validateObject } from "./errors.js";

function checkOptions(options) {
  validateObject(options, "options");
  validateAbortSignal(options.signal, "options.signal");
  return options.signal;
}

function later(delay, value, options, schedule) {
  const signal = checkOptions(options);
  if (signal?.aborted) return Promise.reject(new AbortError(undefined, { cause: signal.reason }));
  return new Promise((resolve, reject) => {
    const onAbort = () => {
      host.timers.clearTimeout(id);
      reject(new AbortError(undefined, { cause: signal.reason }));
    };
    const id = schedule(() => {
      signal?.removeEventListener("abort", onAbort);
      resolve(value);
    }, delay);
    signal?.addEventListener("abort", onAbort, { once: true });
  });
}

export function setTimeout(delay = 1, value = undefined, options = {}) {
  return later(delay, value, options, host.timers.setTimeout);
}

export function setImmediate(value = undefined, options = {}) {
  return later(0, value, options, host.timers.setTimeout);
}

// An async iterator yielding `value` every `delay` ms until it is returned or aborted.
export async function* setInterval(delay = 1, value = undefined, options = {}) {
  const signal = checkOptions(options);
  if (signal?.aborted) throw new AbortError(undefined, { cause: signal.reason });
  let pending = 0;
  let wake = null;
  const id = host.timers.setInterval(() => {
    pending++;
    wake?.();
  }, delay);
  const onAbort = () => wake?.();
  signal?.addEventListener("abort", onAbort);
  try {
    for (;;) {
      if (signal?.aborted) throw new AbortError(undefined, { cause: signal.reason });
      if (pending === 0) await new Promise((resolve) => (wake = resolve));
      wake = null;
      if (signal?.aborted) throw new AbortError(undefined, { cause: signal.reason });
      for (; pending > 0; pending--) yield value;
    }
  } finally {
    host.timers.clearInterval(id);
    signal?.removeEventListener("abort", onAbort);
  }
}

export const scheduler = {
  wait: (delay, options = {}) => setTimeout(delay, undefined, options),
  yield: () => setImmediate(),
};

export function createTimersPromises() {
  return { setTimeout, setImmediate, setInterval, scheduler };
}
