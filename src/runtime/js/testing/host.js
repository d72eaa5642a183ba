// What the test runner layer uses of the worker's snapshot, handed over by init() (index.js):
// the snapshot's own instances, whose state it must share (ops, the activity the sanitizers
// read, the runtime's timers, the stack frames formatStack kept).
export const host = {
  ops: undefined,
  inspect: undefined,
  activity: undefined, // activity.js
  internalTimeout: undefined, // timers.js
  callerLocation: undefined, // stack.js
  framesOf: undefined,
  frameLocation: undefined,
  isInternalFrame: undefined,
  exitCode: undefined, // deno.js: Deno.exitCode's { get, set }
};
