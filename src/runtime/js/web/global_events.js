// The global "error" and "unhandledrejection" events (HTML): the worker calls
// dispatchUncaught before treating an uncaught exception or an unhandled rejection as
// fatal; a listener that calls preventDefault() keeps the worker alive, as in Deno.
import { CustomEvent, ErrorEvent, markTrusted, PromiseRejectionEvent } from "./event.js";

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

// "beforeunload", as Supabase's runtime fires it: the worker is being retired (its soft
// CPU limit, or half its wall clock) and will end once its requests are done; `reason`
// is "cpu" or "wall_clock". Listeners run as any JavaScript does, under the worker's
// limits: one that never returns is stopped by the hard CPU limit.
export function dispatchBeforeUnload(reason) {
  const g = globalThis;
  if (typeof g.dispatchEvent !== "function") return;
  const event = new CustomEvent("beforeunload", { detail: { reason } });
  markTrusted(event);
  g.dispatchEvent(event);
}
