// node:perf_hooks: the runtime's `performance` (User Timing, the Web API Node also has)
// and what Node adds to it. Event-loop histograms are refused: the worker's loop is the
// runtime's, and it keeps no delay statistics.
import { makeError } from "./errors.js";

function refused(name) {
  return () => {
    throw makeError(Error, "ERR_NOT_SUPPORTED", `perf_hooks.${name}() is not supported in Supabase Edge Functions`);
  };
}

export function createPerfHooks() {
  const performance = globalThis.performance;
  // timerify(fn): fn, timed into a "function" entry in Node; here fn runs unmeasured (no
  // PerformanceObserver sees function entries in this runtime).
  if (typeof performance.timerify !== "function") {
    Object.defineProperty(performance, "timerify", { value: (fn) => fn, configurable: true, writable: true });
  }
  if (typeof performance.eventLoopUtilization !== "function") {
    // Nothing is recorded about the loop: utilization reads as idle.
    Object.defineProperty(performance, "eventLoopUtilization", { value: () => ({ idle: 0, active: 0, utilization: 0 }), configurable: true, writable: true });
  }
  return {
    performance,
    PerformanceEntry: globalThis.PerformanceEntry,
    PerformanceMark: globalThis.PerformanceMark,
    PerformanceMeasure: globalThis.PerformanceMeasure,
    PerformanceObserver: globalThis.PerformanceObserver,
    PerformanceObserverEntryList: globalThis.PerformanceObserverEntryList,
    PerformanceResourceTiming: globalThis.PerformanceResourceTiming,
    constants: Object.freeze({
      NODE_PERFORMANCE_GC_MAJOR: 4,
      NODE_PERFORMANCE_GC_MINOR: 1,
      NODE_PERFORMANCE_GC_INCREMENTAL: 8,
      NODE_PERFORMANCE_GC_WEAKCB: 16,
      NODE_PERFORMANCE_GC_FLAGS_NO: 0,
      NODE_PERFORMANCE_GC_FLAGS_CONSTRUCT_RETAINED: 2,
      NODE_PERFORMANCE_GC_FLAGS_FORCED: 4,
      NODE_PERFORMANCE_GC_FLAGS_SYNCHRONOUS_PHANTOM_PROCESSING: 8,
      NODE_PERFORMANCE_GC_FLAGS_ALL_AVAILABLE_GARBAGE: 16,
      NODE_PERFORMANCE_GC_FLAGS_ALL_EXTERNAL_MEMORY: 32,
      NODE_PERFORMANCE_GC_FLAGS_SCHEDULE_IDLE: 64,
    }),
    monitorEventLoopDelay: refused("monitorEventLoopDelay"),
    createHistogram: refused("createHistogram"),
  };
}
