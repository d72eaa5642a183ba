// Deno.test as every worker has it: nothing, as in Deno outside `deno test`. A `sbfn test`
// worker loads the runner (js/testing/, compiled only there through ops.testing_layer) when
// it boots, and these forward to it.
import { ops } from "./web/ops.js";
import { inspect } from "./web/inspect.js";
import * as activity from "./activity.js";
import { internalTimeout } from "./timers.js";
import { callerLocation, frameLocation, framesOf, isInternalFrame } from "./stack.js";
import { getExitCode, setExitCode } from "./deno.js";

let runner = null;

export function enableTesting(mainModule, settings) {
  runner = ops.testing_layer().init({
    ops,
    inspect,
    activity,
    internalTimeout,
    callerLocation,
    framesOf,
    frameLocation,
    isInternalFrame,
    exitCode: { get: getExitCode, set: setExitCode },
  });
  runner.enableTesting(mainModule, settings);
}

export function test(a, b, c) {
  return runner?.test(a, b, c);
}
for (const name of ["ignore", "only", "beforeAll", "beforeEach", "afterEach", "afterAll", "sanitizer"]) {
  test[name] = (...args) => runner?.test[name](...args);
}

// Deno.exit() under `sbfn test` (deno.js).
export function exitCalled(code) {
  runner?.exitCalled(code);
}

// The worker's hooks (runtime/worker_testing.cpp), called in test workers only.
export const testingHooks = {
  run: (settings) => runner.testingHooks.run(settings),
  uncaught: (error, inPromise) => runner?.testingHooks.uncaught(error, inPromise),
  idle: () => runner?.testingHooks.idle() ?? false,
  timedOut: (id, terminated) => runner?.testingHooks.timedOut(id, terminated),
};
