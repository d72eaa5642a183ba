// The global "error" and "unhandledrejection" events (HTML): the worker calls
// dispatchUncaught before treating an uncaught exception or an unhandled rejection as
// fatal; a listener that calls preventDefault() keeps the worker alive, as in Deno.
import { CustomEvent, ErrorEvent, Event, hasListeners, markTrusted, PromiseRejectionEvent } from "./event.js";

// The event's message, Deno's form: "Uncaught Error: boom".
export function uncaughtMessage(error) {
  try {
    if (error instanceof Error) return `Uncaught ${error.name}: ${error.message}`;
    return `Uncaught ${String(error)}`;
  } catch {
    return "Uncaught";
  }
}

// Returns true when a listener cancelled the event. `promise` is undefined for an
// uncaught exception.
export function dispatchUncaught(error, promise) {
  const g = globalThis;
  if (typeof g.dispatchEvent !== "function") return false;
  const event =
    promise === undefined
      ? new ErrorEvent("error", { cancelable: true, message: uncaughtMessage(error), error })
      : new PromiseRejectionEvent("unhandledrejection", { cancelable: true, promise, reason: error });
  markTrusted(event);
  return !g.dispatchEvent(event);
}

// A worker's lifecycle events, as Supabase's runtime fires them (worker_limits.cpp):
// "beforeunload", a CustomEvent whose detail.reason says why the worker goes: "cpu" (soft
// CPU limit: retired), "wall_clock" (half its wall clock: retired), "memory" (90 % of its
// memory limit), "early_drop" (retired and idle: it ends now), "termination" (ended while
// busy, or the server stopping); "drain" once a retired worker has answered all its
// requests; "unload" as it ends. Listeners run under the worker's limits; those at its
// end within a deadline of their own.
export function dispatchLifecycle(type, reason) {
  const g = globalThis;
  if (typeof g.dispatchEvent !== "function" || !hasListeners(g, type)) return;
  const event = type === "beforeunload" ? new CustomEvent(type, { detail: { reason } }) : new Event(type);
  markTrusted(event);
  g.dispatchEvent(event);
}
