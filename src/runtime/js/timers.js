// setTimeout/setInterval over the worker's event loop (op timer_start fires the
// fireTimer hook). Ids are plain numbers, as in Deno.
import { ops } from "./web/ops.js";
import { MapPrototypeDelete, MapPrototypeGet, MapPrototypeSet, ReflectApply, SafeMap } from "./primordials.js";
import { begin, end } from "./activity.js";
import { asyncContextActive, captureAsyncContext, runInAsyncContext } from "./async_context.js";

const timers = new SafeMap();
let nextId = 1;

function delayOf(value) {
  const delay = Number(value);
  return Number.isFinite(delay) && delay > 0 ? delay : 0;
}

function schedule(callback, delay, args, repeat, tracked = true) {
  const id = nextId++;
  // `activity`: what `sbfn test`'s op sanitizer sees (0 when it is off or for our own timers).
  const activity = tracked ? begin(repeat ? "interval" : "timer", "") : 0;
  // `context`: the AsyncLocalStorage stores the callback sees (async_context.js).
  const context = captureAsyncContext();
  MapPrototypeSet(timers, id, { callback, args, delay: delayOf(delay), repeat, activity, context });
  ops.timer_start(id, delayOf(delay));
  return id;
}

// A timer of the runtime's own (the test runner waiting a turn of the event loop): never
// counted as a test's leak.
export function internalTimeout(callback, delay = 0) {
  return schedule(callback, delay, [], false, false);
}

export function setTimeout(callback, delay = 0, ...args) {
  return schedule(callback, delay, args, false);
}

export function setInterval(callback, delay = 0, ...args) {
  return schedule(callback, delay, args, true);
}

export function clearTimeout(id = undefined) {
  const key = Number(id);
  const timer = MapPrototypeGet(timers, key);
  if (timer !== undefined) {
    MapPrototypeDelete(timers, key);
    end(timer.activity);
    ops.timer_cancel(key);
  }
}

export const clearInterval = clearTimeout;

// Called by the loop; an exception escapes to the worker like any uncaught error.
export function fireTimer(id) {
  const timer = MapPrototypeGet(timers, id);
  if (timer === undefined) {
    return;
  }
  if (timer.repeat) {
    ops.timer_start(id, timer.delay);
  } else {
    MapPrototypeDelete(timers, id);
    end(timer.activity);
  }
  if (typeof timer.callback !== "function") {
    return;
  }
  if (asyncContextActive()) {
    runInAsyncContext(timer.context, timer.callback, globalThis, timer.args);
  } else {
    ReflectApply(timer.callback, globalThis, timer.args);
  }
}
