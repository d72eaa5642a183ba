// queueMicrotask and reportError (HTML).
import { ErrorEvent, markTrusted, setListenerErrorReporter } from "./event.js";
import { uncaughtMessage } from "./global_events.js";
import { ops } from "./ops.js";

let reporting = false;

// Reports an exception: fires "error" at the global (if it is an EventTarget); when
// nobody cancels it, the exception is uncaught and, as in Deno, ends the worker.
export function reportError(error) {
  if (arguments.length < 1) {
    throw new TypeError("Failed to execute 'reportError': 1 argument required, but only 0 present.");
  }
  const g = globalThis;
  let notCanceled = true;
  if (typeof g.dispatchEvent === "function" && !reporting) {
    reporting = true;
    try {
      const ev = markTrusted(
        new ErrorEvent("error", {
          cancelable: true,
          message: uncaughtMessage(error),
          error,
        }),
      );
      notCanceled = g.dispatchEvent(ev);
    } catch {
      // ignore
    } finally {
      reporting = false;
    }
  }
  if (notCanceled) ops.report_fatal(error);
}

setListenerErrorReporter((e) => reportError(e));

const resolved = Promise.resolve();

export function queueMicrotask(callback) {
  if (typeof callback !== "function") {
    throw new TypeError("Failed to execute 'queueMicrotask': parameter 1 is not of type 'Function'.");
  }
  resolved.then(() => {
    try {
      callback();
    } catch (e) {
      reportError(e);
    }
  });
}
