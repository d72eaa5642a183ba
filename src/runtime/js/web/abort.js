// AbortController / AbortSignal (DOM).
import { DOMException } from "./domexception.js";
import { Event, EventTarget, defineEventHandler, markTrusted } from "./event.js";
import { ILLEGAL, enumerable, illegalConstructor, requiredArgs, setToStringTag } from "./util.js";

let signalAbort;
let addAlgorithm;
let createSignal;

export class AbortSignal extends EventTarget {
  #aborted = false;
  #reason = undefined;
  #algorithms = null;
  #dependents = null;

  static {
    createSignal = () => new AbortSignal(ILLEGAL);
    signalAbort = (signal, reason) => {
      if (signal.#aborted) return;
      signal.#aborted = true;
      signal.#reason =
        reason === undefined ? new DOMException("The signal has been aborted", "AbortError") : reason;
      const algorithms = signal.#algorithms;
      signal.#algorithms = null;
      const dependents = signal.#dependents;
      signal.#dependents = null;
      if (algorithms) for (const a of algorithms) a();
      signal.dispatchEvent(markTrusted(new Event("abort")));
      if (dependents) {
        for (const ref of dependents) {
          const d = ref.deref();
          if (d) signalAbort(d, signal.#reason);
        }
      }
    };
    addAlgorithm = (signal, fn) => {
      if (signal.#aborted) return;
      (signal.#algorithms ??= []).push(fn);
    };
  }

  constructor(key) {
    if (key !== ILLEGAL) throw illegalConstructor();
    super();
  }

  static abort(reason = undefined) {
    const s = createSignal();
    signalAbort(s, reason);
    return s;
  }

  static timeout(milliseconds) {
    requiredArgs(arguments.length, 1, "Failed to execute 'timeout' on 'AbortSignal'");
    const ms = Number(milliseconds);
    if (!Number.isFinite(ms) || ms < 0 || ms > Number.MAX_SAFE_INTEGER) {
      throw new TypeError(
        "Failed to execute 'timeout' on 'AbortSignal': milliseconds is outside the accepted range",
      );
    }
    const s = createSignal();
    const setTimeout = globalThis.setTimeout;
    const id = setTimeout(() => {
      signalAbort(s, new DOMException("Signal timed out.", "TimeoutError"));
    }, ms);
    // Timeout signals must not keep the event loop alive (as in Deno).
    if (id !== null && typeof id === "object" && typeof id.unref === "function") id.unref();
    else if (typeof globalThis.__unrefTimer === "function") globalThis.__unrefTimer(id);
    return s;
  }

  static any(signals) {
    requiredArgs(arguments.length, 1, "Failed to execute 'any' on 'AbortSignal'");
    const list = [];
    for (const s of signals) {
      if (!(s instanceof AbortSignal)) {
        throw new TypeError(
          "Failed to execute 'any' on 'AbortSignal': Failed to convert value to 'AbortSignal'.",
        );
      }
      list.push(s);
    }
    const result = createSignal();
    for (const s of list) {
      if (s.#aborted) {
        signalAbort(result, s.#reason);
        return result;
      }
    }
    const ref = new WeakRef(result);
    for (const s of list) (s.#dependents ??= []).push(ref);
    return result;
  }

  get aborted() {
    return this.#aborted;
  }

  get reason() {
    return this.#reason;
  }

  throwIfAborted() {
    if (this.#aborted) throw this.#reason;
  }
}
defineEventHandler(AbortSignal.prototype, "abort");
setToStringTag(AbortSignal, "AbortSignal");
enumerable(AbortSignal, ["aborted", "reason", "throwIfAborted"]);

export class AbortController {
  #signal = createSignal();

  get signal() {
    return this.#signal;
  }

  abort(reason = undefined) {
    signalAbort(this.#signal, reason);
  }
}
setToStringTag(AbortController, "AbortController");
enumerable(AbortController, ["signal", "abort"]);

// For Request: a new signal that follows `parent`.
export function followSignal(parent) {
  const s = createSignal();
  if (parent == null) return s;
  if (parent.aborted) {
    signalAbort(s, parent.reason);
  } else {
    const ref = new WeakRef(s);
    addAlgorithm(parent, () => {
      const d = ref.deref();
      if (d) signalAbort(d, parent.reason);
    });
  }
  return s;
}

export function newAbortSignal() {
  return createSignal();
}

export { signalAbort, addAlgorithm };
