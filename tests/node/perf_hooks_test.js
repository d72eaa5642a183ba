import { assert, assertStrictEquals } from "../js/assert.js";
import { performance as perf, constants } from "node:perf_hooks";
import perfHooks from "node:perf_hooks";

Deno.test("node:perf_hooks: performance is the global one", () => {
  assertStrictEquals(perf, globalThis.performance);
  assertStrictEquals(perfHooks.performance, perf);
  const start = perf.now();
  assertStrictEquals(typeof start, "number");
  assert(perf.now() >= start);
  assertStrictEquals(typeof perf.timeOrigin, "number");
});

Deno.test("node:perf_hooks: marks and measures", () => {
  perf.mark("sbfn-a");
  perf.mark("sbfn-b");
  const measure = perf.measure("sbfn-a-to-b", "sbfn-a", "sbfn-b");
  assertStrictEquals(measure.name, "sbfn-a-to-b");
  assert(measure.duration >= 0);
  assert(perf.getEntriesByName("sbfn-a").length >= 1);
  perf.clearMarks("sbfn-a");
  perf.clearMarks("sbfn-b");
  perf.clearMeasures("sbfn-a-to-b");
  assertStrictEquals(perf.getEntriesByName("sbfn-a").length, 0);
});

Deno.test("node:perf_hooks: constants and timerify", () => {
  assertStrictEquals(typeof constants, "object");
  const timed = perf.timerify(function add(a, b) {
    return a + b;
  });
  assertStrictEquals(timed(2, 3), 5);
});
