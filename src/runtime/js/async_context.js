// The async context AsyncLocalStorage (node:async_hooks) rides on. V8 carries it across
// promise continuations by itself (op_node_async.cpp); callbacks the runtime calls later
// from its event loop (timers) capture it when scheduled and restore it when they run.
// Until a function first uses AsyncLocalStorage the context is always undefined, so
// nothing is captured: the `active` check is all that code pays.
import { ops } from "./web/ops.js";
import { ReflectApply } from "./primordials.js";

let active = false;

export function enableAsyncContext() {
  active = true;
}

export function asyncContextActive() {
  return active;
}

// The context now, to hand to runInAsyncContext later; undefined when none can be set.
export function captureAsyncContext() {
  return active ? ops.async_context_get() : undefined;
}

// Calls `fn` with `context` as the current one, then puts the previous one back.
export function runInAsyncContext(context, fn, thisArg, args) {
  const previous = ops.async_context_get();
  ops.async_context_set(context);
  try {
    return ReflectApply(fn, thisArg, args);
  } finally {
    ops.async_context_set(previous);
  }
}

// A request, or any event the worker's loop delivers, starts with no stores: what a
// handler set with enterWith() stays with that handler and what it scheduled, and never
// reaches the next request (as in Node, where each request is an async resource of its own).
export function clearAsyncContext() {
  if (active) {
    ops.async_context_set(undefined);
  }
}
