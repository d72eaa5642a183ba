// Deno.test for `sbfn test`: registration with Deno's signatures and errors, and the
// runner the worker starts once a test module has booted (runtime/test_run.hpp). This
// layer is a bundle of its own, compiled by test workers only (ops.testing_layer), so that
// serving pays nothing for it; what it shares with the snapshot comes through `host`. The
// runner sends what happens as events in the shapes of Deno's TestEvent, each one JSON
// object through ops.test_event, in order with the module's console output; the C++ side
// (src/tester/) turns them into Deno's reports.
//
// Events: {kind: "plan", origin, total, filteredOut, usedOnly, tests: [description]},
// {kind: "wait", id}, {kind: "result", id, result, elapsed},
// {kind: "stepRegister", step: description}, {kind: "stepWait", id},
// {kind: "stepResult", id, result, elapsed}, {kind: "uncaught", origin, error},
// {kind: "exit", code, inTest}, {kind: "completed"} (the run is over). A result is "ok", "ignored", "cancelled" or {failed:
// failure}; a failure is {jsError: error}, {failedSteps: n}, "incompleteSteps",
// "incomplete", {leaked: [details], trailers: [notes]}, {timedOut: ms}, "pending",
// {overlapsWithSanitizers: [names]} or {hasSanitizersAndOverlaps: [names]}; an error is
// {message, frames, sourceLine?, sourceColumn?, cause?, aggregated?} (describeError).
import { host } from "./host.js";
import {
  ArrayPrototypePush,
  MapPrototypeGet,
  MapPrototypeSet,
  SafeError,
  SafeMap,
  SafePromise,
  SafeTypeError,
} from "../primordials.js";

// Captured now: tests may replace these globals.
const JSONStringify = JSON.stringify;
const ErrorCtor = Error;
const AggregateErrorCtor = AggregateError;
const BigIntCtor = BigInt;
const asUint64 = BigInt.asUintN;

let enabled = false;
let origin = "";
const registered = []; // test descriptions, in registration order
const hooks = { beforeAll: [], beforeEach: [], afterEach: [], afterAll: [] };
const sanitizerDefaults = { ops: true, resources: true };
let nextId = 1;
// id -> { context, children: [step descriptions], completed, failed }
const states = new SafeMap();

function emit(event) {
  host.ops.test_event(JSONStringify(event));
}

// Turns test mode on, before the module is evaluated (boot).
export function enableTesting(mainModule, settings) {
  enabled = true;
  origin = mainModule;
  sanitizerDefaults.ops = settings.sanitizeOps !== false;
  sanitizerDefaults.resources = settings.sanitizeResources !== false;
  host.activity.enableActivity();
}

// --- Registration ------------------------------------------------------------------

// Control characters in names are printed escaped (Deno's escapeName).
function escapeName(name) {
  return String(name).replace(/[\b\f\t\n\r\v]/g, (c) =>
    c === "\b" ? "\\b" : c === "\f" ? "\\f" : c === "\t" ? "\\t" : c === "\n" ? "\\n" : c === "\r" ? "\\r" : "\\v",
  );
}

function register(nameOrFnOrOptions, optionsOrFn, maybeFn, overrides) {
  if (!enabled) return;
  const defaults = {
    ignore: false,
    only: false,
    sanitizeOps: sanitizerDefaults.ops,
    sanitizeResources: sanitizerDefaults.resources,
    sanitizeExit: true,
    permissions: null,
  };
  let desc;
  if (typeof nameOrFnOrOptions === "string") {
    if (!nameOrFnOrOptions) throw new SafeTypeError("The test name can't be empty");
    if (typeof optionsOrFn === "function") {
      desc = { ...defaults, fn: optionsOrFn, name: nameOrFnOrOptions };
    } else {
      if (!maybeFn || typeof maybeFn !== "function") throw new SafeTypeError("Missing test function");
      if (optionsOrFn?.fn != undefined) {
        throw new SafeTypeError("Unexpected 'fn' field in options, test function is already provided as the third argument");
      }
      if (optionsOrFn?.name != undefined) {
        throw new SafeTypeError("Unexpected 'name' field in options, test name is already provided as the first argument");
      }
      desc = { ...defaults, ...optionsOrFn, fn: maybeFn, name: nameOrFnOrOptions };
    }
  } else if (typeof nameOrFnOrOptions === "function") {
    if (!nameOrFnOrOptions.name) throw new SafeTypeError("The test function must have a name");
    if (optionsOrFn != undefined) throw new SafeTypeError("Unexpected second argument to Deno.test()");
    if (maybeFn != undefined) throw new SafeTypeError("Unexpected third argument to Deno.test()");
    desc = { ...defaults, fn: nameOrFnOrOptions, name: nameOrFnOrOptions.name };
  } else {
    if (nameOrFnOrOptions === null || typeof nameOrFnOrOptions !== "object") {
      throw new SafeTypeError("Expected 'fn' field in the first argument to be a test function");
    }
    let fn;
    if (typeof optionsOrFn === "function") {
      fn = optionsOrFn;
      if (nameOrFnOrOptions.fn != undefined) {
        throw new SafeTypeError("Unexpected 'fn' field in options, test function is already provided as the second argument");
      }
    } else {
      if (!nameOrFnOrOptions.fn || typeof nameOrFnOrOptions.fn !== "function") {
        throw new SafeTypeError("Expected 'fn' field in the first argument to be a test function");
      }
      fn = nameOrFnOrOptions.fn;
    }
    const name = nameOrFnOrOptions.name ?? fn.name;
    if (!name) throw new SafeTypeError("The test name can't be empty");
    desc = { ...defaults, ...nameOrFnOrOptions, fn, name };
  }
  desc = { ...desc, ...overrides };
  delete desc.parent; // marks steps
  desc.location = host.callerLocation();
  desc.name = escapeName(desc.name);
  desc.id = nextId++;
  desc.origin = origin;
  ArrayPrototypePush(registered, desc);
}

export function test(a, b, c) {
  return register(a, b, c, {});
}
test.ignore = (a, b, c) => register(a, b, c, { ignore: true });
test.only = (a, b, c) => register(a, b, c, { only: true });

function hook(kind) {
  return (fn) => {
    if (!enabled) return;
    if (typeof fn !== "function") throw new SafeTypeError(`Expected a function for ${kind} hook`);
    ArrayPrototypePush(hooks[kind], fn);
  };
}
test.beforeAll = hook("beforeAll");
test.beforeEach = hook("beforeEach");
test.afterEach = hook("afterEach");
test.afterAll = hook("afterAll");
// Deno 2.8's defaults for the tests registered after the call in this module.
test.sanitizer = (options) => {
  if (options?.ops !== undefined) sanitizerDefaults.ops = !!options.ops;
  if (options?.resources !== undefined) sanitizerDefaults.resources = !!options.resources;
};

// --- Errors, as Deno's JsError ------------------------------------------------------

function errorHeader(error) {
  try {
    const name = error.name === undefined ? "Error" : String(error.name);
    const message = error.message === undefined ? "" : String(error.message);
    if (!name) return message;
    if (!message) return name;
    return `${name}: ${message}`;
  } catch {
    return "<error>";
  }
}

function inspected(value) {
  try {
    return host.inspect(value);
  } catch {
    return "<value>";
  }
}

// A frame for the reports: the function part and the location apart, so the reporter can
// colour them as Deno does.
function reportFrame(frame) {
  return { async: frame.async, name: frame.name, location: frame.promiseAll ? null : host.frameLocation(frame) };
}

// `error` as Deno's reporters show it: its message ("Error: boom", or the value inspected
// for what is not an Error), the frames outside the runtime, the source line of the first
// of them, its cause and, for an AggregateError, the errors it holds.
export function describeError(error, depth = 0) {
  if (!(error instanceof ErrorCtor)) return { message: inspected(error), frames: [] };
  const out = { message: errorHeader(error), frames: [] };
  const frames = host.framesOf(error);
  if (frames !== undefined) {
    let first = null;
    for (const frame of frames) {
      if (host.isInternalFrame(frame)) continue;
      if (first === null && frame.line !== null) first = frame;
      out.frames.push(reportFrame(frame));
    }
    if (first !== null && depth === 0) {
      const line = host.ops.source_line(first.file, first.line);
      if (line !== undefined) {
        out.sourceLine = line;
        out.sourceColumn = first.column;
      }
    }
  } else {
    // A stack the error's code wrote itself: its "at" lines as they are.
    let stack = "";
    try {
      stack = String(error.stack ?? "");
    } catch {
      // leave it empty
    }
    for (const line of stack.split("\n")) {
      const match = /^\s+at (.*)$/.exec(line);
      if (match) out.frames.push({ async: false, name: null, location: match[1] });
    }
  }
  if (depth < 8) {
    try {
      if (error.cause !== undefined) out.cause = describeError(error.cause, depth + 1);
      if (error instanceof AggregateErrorCtor && Array.isArray(error.errors)) {
        out.aggregated = error.errors.map((e) => describeError(e, depth + 1));
      }
    } catch {
      // a throwing getter: leave it out
    }
  }
  return out;
}

// --- Running -----------------------------------------------------------------------

// rand 0.8's SmallRng (Xoshiro256++ seeded through PCG32, rand_core's seed_from_u64) and
// SliceRandom::shuffle, so that --shuffle=SEED orders tests as Deno does.
export function seededShuffle(items, seedText) {
  const M64 = (x) => asUint64(64, x);
  let state = M64(BigIntCtor(seedText));
  const words = [];
  for (let i = 0; i < 8; i++) {
    state = M64(state * 6364136223846793005n + 11634580027462260723n);
    const xorshifted = Number(M64(((state >> 18n) ^ state) >> 27n) & 0xffffffffn);
    const rot = Number(state >> 59n);
    words.push(((xorshifted >>> rot) | (xorshifted << ((32 - rot) & 31))) >>> 0);
  }
  const s = [0, 1, 2, 3].map((i) => (BigIntCtor(words[2 * i + 1]) << 32n) | BigIntCtor(words[2 * i]));
  const rotl = (x, k) => M64((x << BigIntCtor(k)) | (x >> BigIntCtor(64 - k)));
  const nextU32 = () => {
    const result = M64(rotl(M64(s[0] + s[3]), 23) + s[0]);
    const t = M64(s[1] << 17n);
    s[2] ^= s[0];
    s[3] ^= s[1];
    s[1] ^= s[2];
    s[0] ^= s[3];
    s[2] ^= t;
    s[3] = rotl(s[3], 45);
    return Number(result >> 32n);
  };
  const below = (range) => {
    const zone = Number(BigInt.asUintN(32, (BigIntCtor(range) << BigIntCtor(Math.clz32(range))) - 1n));
    for (;;) {
      const product = BigIntCtor(nextU32()) * BigIntCtor(range);
      const hi = Number(product >> 32n);
      const lo = Number(product & 0xffffffffn);
      if (lo <= zone) return hi;
    }
  };
  for (let i = items.length - 1; i >= 1; i--) {
    const j = below(i + 1);
    const tmp = items[i];
    items[i] = items[j];
    items[j] = tmp;
  }
  return items;
}

function makeFilter(text) {
  if (!text) return () => true;
  if (text.length >= 2 && text.startsWith("/") && text.endsWith("/")) {
    let regex = null;
    try {
      regex = new RegExp(text.slice(1, -1), "u");
    } catch {
      // Deno: an invalid regex matches nothing
    }
    return (name) => regex !== null && regex.test(name);
  }
  return (name) => name.includes(text);
}

function publicDescription(desc) {
  return { id: desc.id, name: desc.name, origin: desc.origin, location: desc.location, ignore: !!desc.ignore, only: !!desc.only };
}

function stepDescription(desc) {
  return {
    id: desc.id,
    name: desc.name,
    origin: desc.origin,
    location: desc.location,
    level: desc.level,
    parentId: desc.parent.id,
    rootId: desc.rootId,
    rootName: desc.rootName,
  };
}

const run = {
  settings: null,
  queue: [],
  index: 0,
  started: false, // the beforeAll hooks ran
  beforeAllFailed: false,
  hadUncaught: false,
  stopped: false, // fail-fast: enough failures elsewhere
  current: null, // the running test: { desc, timeout, started, abort(result), inSync }
  skip: null, // moves the loop on when the running test's own code was terminated
  topLevel: null, // what was alive before the first test (Deno's top-level stats)
  finish: null, // settles run()'s promise
  done: false,
};

function wait(ms = 0) {
  return new SafePromise((resolve) => host.internalTimeout(resolve, ms));
}

// Runs a list of hooks in order; stops at the first that throws (its error is returned).
async function runHooks(list) {
  for (const fn of list) {
    try {
      await fn();
    } catch (error) {
      return error;
    }
  }
  return undefined;
}

// Everything the C++ side calls the runner for comes through here.
export const testingHooks = {
  // After the module booted: run what it registered. Settles when the run is over.
  run(settings) {
    run.settings = settings;
    const filter = makeFilter(settings.filter);
    let chosen = [];
    let usedOnly = false;
    for (const desc of registered) {
      if (!filter(desc.name)) continue;
      if (usedOnly && !desc.only) continue;
      if (desc.only && !usedOnly) {
        usedOnly = true;
        chosen = [];
      }
      ArrayPrototypePush(chosen, desc);
    }
    if (settings.shuffle !== null && settings.shuffle !== undefined) seededShuffle(chosen, settings.shuffle);
    run.queue = chosen;
    emit({
      kind: "plan",
      origin,
      total: chosen.length,
      filteredOut: registered.length - chosen.length,
      usedOnly,
      tests: chosen.map(publicDescription),
    });
    for (const desc of chosen) {
      MapPrototypeSet(states, desc.id, { context: makeContext(desc), children: [], completed: false, failed: false });
    }
    run.topLevel = countByKind(host.activity.snapshot());
    return new SafePromise((resolve) => {
      run.finish = resolve;
      loop();
    });
  },

  // An error nobody caught (timer callback, unhandled rejection, reportError): Deno fails
  // the module with it and cancels the test that was running and the ones after it.
  uncaught(error, inPromise) {
    if (run.hadUncaught || run.done) return;
    run.hadUncaught = true;
    const described = describeError(error);
    if (inPromise) described.message = `(in promise) ${described.message}`;
    emit({ kind: "uncaught", origin, error: described });
    if (run.current !== null) run.current.abort("cancelled");
  },

  // The event loop has nothing left to do: a test still waiting never settles. False when
  // no test is running (then nothing will move any more).
  idle() {
    if (run.current === null) return false;
    run.current.abort({ failed: "pending" });
    return true;
  },

  // The deadline of test `id` passed. `terminated`: its code was busy, so V8 stopped it,
  // unwinding what was on the stack.
  timedOut(id, _terminated) {
    const current = run.current;
    if (current === null || current.desc.id !== id) return;
    const failure = { failed: { timedOut: current.timeout } };
    if (current.inSync) {
      // Still "in" the test's synchronous part: V8 unwound it (terminated); runOne too.
      // runOne itself was on the stack: report for it and move the loop on.
      finishTest(current, failure);
      run.skip?.();
      return;
    }
    current.abort(failure);
  },
};

function finishRun() {
  if (run.done) return;
  run.done = true;
  emit({ kind: "completed" });
  run.finish?.();
}

// The runner's loop: each test of the queue in turn, then the afterAll hooks.
async function loop() {
  if (!run.started && run.queue.some((desc) => !desc.ignore)) {
    // Once, before the first test (its output is the module's "pre-test output").
    run.started = true;
    if (!host.ops.test_should_stop()) {
      const error = await runHooks(hooks.beforeAll);
      if (error !== undefined) {
        // Deno reports the module as failed and runs none of its tests (nor reports them).
        run.beforeAllFailed = true;
        testingHooks.uncaught(error, false);
        run.hadUncaught = false;
      }
    }
  }
  while (run.index < run.queue.length && !run.beforeAllFailed) {
    const desc = run.queue[run.index];
    if (!run.hadUncaught && !run.beforeAllFailed && host.ops.test_should_stop()) {
      run.stopped = true;
      break;
    }
    const skipped = new SafePromise((resolve) => {
      run.skip = resolve;
    });
    await SafePromise.race([runOne(desc), skipped]);
    run.index++;
  }
  if (!run.hadUncaught && !run.stopped && run.started) {
    const error = await runHooks([...hooks.afterAll].reverse());
    if (error !== undefined) testingHooks.uncaught(error, false);
  }
  finishRun();
}

// Reports the result of the running test once.
function finishTest(current, result) {
  if (current.finished) return;
  current.finished = true;
  if (current.timeout > 0) host.ops.test_deadline(0, 0);
  if (run.current === current) run.current = null;
  if (result !== "ok" && result !== "ignored") reportOpenSteps(current.desc);
  const elapsed = result === "cancelled" ? 0 : host.ops.now() - current.started;
  emit({ kind: "result", id: current.desc.id, result, elapsed });
}

// Runs `desc` with its hooks and sanitizers, reporting its wait and result.
async function runOne(desc) {
  if (desc.ignore) {
    emit({ kind: "result", id: desc.id, result: "ignored", elapsed: 0 });
    return;
  }
  if (run.hadUncaught) {
    emit({ kind: "result", id: desc.id, result: "cancelled", elapsed: 0 });
    return;
  }
  emit({ kind: "wait", id: desc.id });
  // Let operations that already finished report so (Deno polls the event loop once).
  await wait();
  const before = host.activity.snapshot();
  let abort;
  const aborted = new SafePromise((resolve) => {
    abort = resolve;
  });
  const timeout = desc.timeout > 0 ? desc.timeout : run.settings.timeout;
  const current = { desc, timeout, started: host.ops.now(), abort, inSync: false, finished: false };
  run.current = current;
  if (timeout > 0) host.ops.test_deadline(desc.id, timeout);
  // While the test's synchronous part runs, this frame is on the stack: a busy test that
  // times out is terminated with it (timedOut then reports for it).
  current.inSync = true;
  const body = runWrapped(desc);
  current.inSync = false;
  let result = await SafePromise.race([body, aborted]);
  if (current.finished) return;
  if (result === "ok") {
    if (timeout > 0) host.ops.test_deadline(0, 0);
    const leaked = await leaksOf(desc, before);
    if (leaked !== null) result = { failed: leaked };
  }
  finishTest(current, result);
}

// Steps still running when their test ended (timed out, never settled): incomplete.
function reportOpenSteps(desc) {
  const state = MapPrototypeGet(states, desc.id);
  if (state === undefined) return;
  for (const child of state.children) {
    const childState = MapPrototypeGet(states, child.id);
    if (childState !== undefined && !childState.completed) {
      reportOpenSteps(child);
      childState.completed = true;
      reportStep(child, { failed: "incomplete" }, 0);
    }
  }
  state.completed = true;
}

// A step's result, once (a step reported incomplete by its parent may still end later).
function reportStep(desc, result, elapsed) {
  const state = MapPrototypeGet(states, desc.id);
  if (state.reported) return;
  state.reported = true;
  emit({ kind: "stepResult", id: desc.id, result, elapsed });
}

// The test function with its beforeEach/afterEach hooks and exit sanitizer; a result.
async function runWrapped(desc) {
  let result;
  const beforeError = await runHooks(hooks.beforeEach);
  if (beforeError !== undefined) {
    result = { failed: { jsError: describeError(beforeError) } };
  } else {
    result = await runTestFunction(desc);
  }
  const afterError = await runHooks([...hooks.afterEach].reverse());
  if (afterError !== undefined && result === "ok") result = { failed: { jsError: describeError(afterError) } };
  return result;
}

// --- Sanitizers ----------------------------------------------------------------------

const LEAK_SPINS = 16; // turns of the event loop a leak gets to finish (as Deno)

function itemKey(entry) {
  return `${entry.type}\u0000${entry.name}`;
}

function countByKind(snapshot) {
  const counts = new SafeMap();
  for (const entry of snapshot.values()) {
    const key = itemKey(entry);
    MapPrototypeSet(counts, key, (MapPrototypeGet(counts, key) ?? 0) + 1);
  }
  return counts;
}

// Deno's is_empty: no difference, or only things the top level started that completed and
// were replaced by the same kind of thing during the test (a server answering requests).
function isEmpty(diff) {
  if (diff.appeared.length === 0 && diff.disappeared.length === 0) return true;
  if (diff.appeared.length !== diff.disappeared.length) return false;
  if (run.topLevel.size === 0) return false;
  const seen = new SafeMap();
  for (const entry of diff.appeared) {
    const key = itemKey(entry);
    const allowed = MapPrototypeGet(run.topLevel, key);
    if (allowed === undefined) return false;
    const n = (MapPrototypeGet(seen, key) ?? 0) + 1;
    if (n > allowed) return false;
    MapPrototypeSet(seen, key, n);
  }
  for (const entry of diff.disappeared) {
    const key = itemKey(entry);
    const n = MapPrototypeGet(seen, key);
    if (n === undefined) return false;
    if (n === 1) seen.delete(key);
    else MapPrototypeSet(seen, key, n - 1);
  }
  return seen.size === 0;
}

async function leaksOf(desc, before) {
  let diff = host.activity.diff(before, host.activity.snapshot());
  if (isEmpty(diff)) return null;
  for (let i = 0; i < LEAK_SPINS; i++) {
    await wait();
    diff = host.activity.diff(before, host.activity.snapshot());
    if (isEmpty(diff)) return null;
  }
  const keep = (entry) => {
    if (entry.type === "op") return desc.sanitizeOps;
    if (entry.type === "resource") return desc.sanitizeResources;
    return desc.sanitizeOps || desc.sanitizeResources; // timers: off only with both off
  };
  diff = { appeared: diff.appeared.filter(keep), disappeared: diff.disappeared.filter(keep) };
  if (isEmpty(diff)) return null;
  const [details, trailers] = formatLeaks(diff);
  return details.length === 0 ? null : { leaked: details, trailers };
}

const RESOURCES = {
  fsFile: ["A file", "opened", "closed", "Close the file handle by calling `file.close()`."],
  fetchResponse: [
    "A fetch response body",
    "created",
    "consumed",
    "Consume or close the response body `ReadableStream`, e.g `await resp.text()` or `await resp.body.cancel()`.",
  ],
  tcpStream: ["A TCP connection", "opened/accepted", "closed", "Close the TCP connection by calling `tcpConn.close()`."],
  tlsStream: ["A TLS connection", "opened/accepted", "closed", "Close the TLS connection by calling `tlsConn.close()`."],
};
const OPS = {
  op_fetch_send: ["send a HTTP request", "awaiting the result of a `fetch` call"],
};

// Deno's format_sanitizer_diff: one sentence per kind of thing, sorted, and the notes.
function formatLeaks(diff) {
  const messages = [];
  let needsTrace = false;
  const accumulate = (entries, appeared) => {
    const counts = new SafeMap();
    for (const entry of entries) {
      const key = itemKey(entry);
      const found = MapPrototypeGet(counts, key);
      if (found === undefined) MapPrototypeSet(counts, key, { entry, count: 1 });
      else found.count++;
    }
    for (const { entry, count } of counts.values()) {
      if (entry.type === "resource") {
        const [name, action1, action2, hint] = RESOURCES[entry.name] ?? [
          `"${entry.name}"`,
          "created",
          "cleaned up",
          "Close the resource before the end of the test.",
        ];
        messages.push(
          appeared
            ? `${name} was ${action1} during the test, but not ${action2} during the test. ${hint}`
            : `${name} was ${action1} before the test started, but was ${action2} during the test. Do not close resources in a test that were not created during that test.`,
        );
      } else if (entry.type === "op") {
        const [countText, plural, tense] = count === 1 ? ["An", "", "was"] : [String(count), "s", "were"];
        const phrase = appeared
          ? "started in this test, but never completed"
          : "started before the test, but completed during the test. Async operations should not complete in a test if they were not started in that test";
        const details = OPS[entry.name];
        messages.push(
          details !== undefined
            ? `${countText} async operation${plural} to ${details[0]} ${tense} ${phrase}. This is often caused by not ${details[1]}.`
            : `${countText} async call${plural} to ${entry.name} ${tense} ${phrase}.`,
        );
        needsTrace = true;
      } else {
        const timer = entry.type === "timer";
        const [countText, plural, tense] =
          count === 1 ? [timer ? "A" : "An", "", "was"] : [String(count), "s", "were"];
        const phrase = appeared
          ? "started in this test, but never completed"
          : "started before the test, but completed during the test. Intervals and timers should not complete in a test if they were not started in that test";
        messages.push(
          `${countText} ${timer ? "timer" : "interval"}${plural} ${tense} ${phrase}. This is often caused by not calling \`${timer ? "clearTimeout" : "clearInterval"}\`.`,
        );
        needsTrace = true;
      }
    }
  };
  accumulate(diff.appeared, true);
  accumulate(diff.disappeared, false);
  messages.sort();
  const trailers = needsTrace ? ["To get more details where leaks occurred, run again with the --trace-leaks flag."] : [];
  return [messages, trailers];
}

// --- Tests and steps -----------------------------------------------------------------

let exitHandler = null;

// Deno.exit() while `sbfn test` runs: a test with the exit sanitizer on fails with Deno's
// error; otherwise the module ends (the whole run, from inside a test), as in Deno.
export function exitCalled(code) {
  if (!enabled) return;
  if (exitHandler !== null) exitHandler(code);
  emit({ kind: "exit", code, inTest: run.current !== null });
}

function usesSanitizer(desc) {
  return desc.sanitizeResources || desc.sanitizeOps || desc.sanitizeExit;
}

function fullName(desc) {
  return desc.parent !== undefined ? `${fullName(desc.parent)} ... ${desc.name}` : desc.name;
}

// Steps of the same parents that are still running, besides `desc` itself.
function runningSiblings(desc) {
  const out = [];
  let child = desc;
  while (child.parent !== undefined) {
    const state = MapPrototypeGet(states, child.parent.id);
    for (const sibling of state.children) {
      if (sibling.id === child.id) continue;
      if (!MapPrototypeGet(states, sibling.id).completed) out.push(sibling);
    }
    child = child.parent;
  }
  return out;
}

// A test's or step's function with its checks: a result (never throws).
async function runTestFunction(desc) {
  const state = MapPrototypeGet(states, desc.id);
  try {
    if (desc.ignore) return "ignored";
    const running = runningSiblings(desc);
    const withSanitizers = running.filter(usesSanitizer);
    if (withSanitizers.length > 0) return { failed: { overlapsWithSanitizers: withSanitizers.map(fullName) } };
    if (usesSanitizer(desc) && running.length > 0) {
      return { failed: { hasSanitizersAndOverlaps: running.map(fullName) } };
    }
    const previous = exitHandler;
    if (desc.sanitizeExit) {
      exitHandler = (code) => {
        throw new SafeError(`Test case attempted to exit with exit code: ${code}`);
      };
    }
    try {
      const fn = desc.fn; // called as a function, not a method: its frames read as in Deno
      await fn(state.context);
      const exitCode = host.exitCode.get();
      if (desc.sanitizeExit && exitCode !== 0) {
        // Deno.exitCode left set (by the test, or by a Deno.exit the sanitizer stopped):
        // reset for the tests after it, and this one fails, as in Deno.
        host.exitCode.set(0);
        throw new SafeError(`Test case finished with exit code set to ${exitCode}`);
      }
    } finally {
      if (desc.sanitizeExit) exitHandler = previous;
    }
    let failedSteps = 0;
    for (const child of state.children) {
      const childState = MapPrototypeGet(states, child.id);
      if (!childState.completed) return { failed: "incompleteSteps" };
      if (childState.failed) failedSteps++;
    }
    return failedSteps === 0 ? "ok" : { failed: { failedSteps } };
  } catch (error) {
    return { failed: { jsError: describeError(error) } };
  } finally {
    for (const child of state.children) {
      const childState = MapPrototypeGet(states, child.id);
      if (!childState.completed) {
        childState.completed = true;
        reportStep(child, { failed: "incomplete" }, 0);
      }
    }
    state.completed = true;
  }
}

function makeContext(desc) {
  const isStep = desc.parent !== undefined;
  const level = isStep ? desc.level : 0;
  const rootId = isStep ? desc.rootId : desc.id;
  const rootName = isStep ? desc.rootName : desc.name;
  return {
    [Symbol.toStringTag]: "TestContext",
    name: desc.name,
    parent: isStep ? MapPrototypeGet(states, desc.parent.id).context : undefined,
    origin: desc.origin,
    async step(nameOrFnOrOptions, maybeFn) {
      if (MapPrototypeGet(states, desc.id).completed) {
        throw new SafeError(
          "Cannot run test step after parent scope has finished execution. " +
            "Ensure any `.step(...)` calls are executed before their parent scope completes execution.",
        );
      }
      let stepDesc;
      if (typeof nameOrFnOrOptions === "string") {
        if (typeof maybeFn !== "function") throw new SafeTypeError("Expected function for second argument");
        stepDesc = { name: nameOrFnOrOptions, fn: maybeFn };
      } else if (typeof nameOrFnOrOptions === "function") {
        if (!nameOrFnOrOptions.name) throw new SafeTypeError("The step function must have a name");
        if (maybeFn != undefined) throw new SafeTypeError("Unexpected second argument to TestContext.step()");
        stepDesc = { name: nameOrFnOrOptions.name, fn: nameOrFnOrOptions };
      } else if (typeof nameOrFnOrOptions === "object" && nameOrFnOrOptions !== null) {
        stepDesc = { ...nameOrFnOrOptions };
      } else {
        throw new SafeTypeError("Expected a test definition or name and function");
      }
      stepDesc.ignore ??= false;
      stepDesc.sanitizeOps ??= desc.sanitizeOps;
      stepDesc.sanitizeResources ??= desc.sanitizeResources;
      stepDesc.sanitizeExit ??= desc.sanitizeExit;
      stepDesc.location = host.callerLocation();
      stepDesc.level = level + 1;
      stepDesc.parent = desc;
      stepDesc.rootId = rootId;
      stepDesc.name = escapeName(stepDesc.name);
      stepDesc.rootName = rootName;
      stepDesc.id = nextId++;
      stepDesc.origin = desc.origin;
      const state = { context: null, children: [], failed: false, completed: false, reported: false };
      MapPrototypeSet(states, stepDesc.id, state);
      state.context = makeContext(stepDesc);
      ArrayPrototypePush(MapPrototypeGet(states, desc.id).children, stepDesc);
      emit({ kind: "stepRegister", step: stepDescription(stepDesc) });
      emit({ kind: "stepWait", id: stepDesc.id });
      const started = host.ops.now();
      const result = await runTestFunction(stepDesc);
      state.failed = typeof result === "object" && result.failed !== undefined;
      reportStep(stepDesc, result, host.ops.now() - started);
      return result === "ok";
    },
  };
}
