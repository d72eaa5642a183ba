// The JavaScript half of the runtime. Evaluated once at build time; every worker
// starts from the snapshot of the state it leaves behind.
import { removeStandIns } from "./snapshot_prelude.js";
// First: it keeps V8's console before installWebGlobals replaces it.
import { mirrorToV8Console } from "./inspector_console.js";
import { dispatchLifecycle, dispatchUncaught, installWasmStreaming, installWebGlobals, inspect, setPromiseStateHook } from "./web/index.js";
import * as timers from "./timers.js";
import { formatStack } from "./stack.js";
import { envValue, makeDeno, setEnv } from "./deno.js";
import { createHttpClient, fetchEvent, HttpClient, setFetchEnv } from "./web/fetch.js";
import { adoptDefaultExport, dispatch, hasHandler } from "./serve.js";
import { createRequestFromNative, readResponseForNative } from "./web/fetch_internals.js";
import { EdgeRuntime } from "./edge_runtime.js";
import { installMainService, userWorkerEvent } from "./user_workers.js";
import { enableTesting, testingHooks } from "./testing.js";
import { CloseEvent, WebSocket, socketEvent } from "./websocket.js";
import { SafeError, thenOf } from "./primordials.js";
import { loadBuiltin, requireUrl } from "./node/glue.js";
import { installNodeGlobals } from "./node/globals.js";
import { workerInfo } from "./node/worker_info.js";

const global = globalThis;
const ops = global.__ops;
delete global.__ops;

function define(name, value) {
  Object.defineProperty(global, name, { value, writable: true, configurable: true, enumerable: false });
}

installWebGlobals(global);
setPromiseStateHook(ops.promise_state); // `Promise { 3 }` in console.log and util.inspect
for (const name of ["setTimeout", "setInterval", "clearTimeout", "clearInterval"]) {
  define(name, timers[name]);
}
define("EdgeRuntime", EdgeRuntime);
define("WebSocket", WebSocket);
define("CloseEvent", CloseEvent);
define("Deno", makeDeno(inspect, ops.v8_version()));
Object.assign(global.Deno, { createHttpClient, HttpClient });
installNodeGlobals(global);
setFetchEnv(envValue);

let requireHandler = true;

// Hooks the C++ side takes (and deletes from the global) when a worker starts.
define("__sbfn", {
  boot(env, info) {
    installWasmStreaming(global);
    setEnv(env, info.envPermissions);
    requireHandler = info.requireHandler;
    workerInfo.mainModule = info.mainModule;
    if (info.test !== undefined) {
      // A `sbfn test` module: Deno.test registers, colours follow the terminal.
      enableTesting(info.mainModule, info.test);
      global.Deno.noColor = !info.test.colour;
    }
    global.Deno.version.v8 = info.v8Version ?? global.Deno.version.v8;
    if (info.inspect) mirrorToV8Console(global.console);
    if (info.mainService) installMainService(EdgeRuntime, global.Deno.errors);
  },
  dispatch,
  fireTimer: timers.fireTimer,
  wsEvent: socketEvent,
  uncaught: dispatchUncaught,
  lifecycle: dispatchLifecycle,
  fetchEvent,
  userWorkerEvent,
  formatStack,
  finishBoot(evaluation, namespace, done) {
    thenOf(
      evaluation,
      () => {
        adoptDefaultExport(namespace);
        done(hasHandler() || !requireHandler ? null : new SafeError("The function registered no request handler: call Deno.serve(handler) or export default { fetch }"));
      },
      (error) => done(error ?? new SafeError("module evaluation failed")),
    );
  },
  nodeBuiltin: loadBuiltin,
  requireUrl,
  testRun: testingHooks.run,
  testUncaught: testingHooks.uncaught,
  testIdle: testingHooks.idle,
  testTimedOut: testingHooks.timedOut,
  thenNamespace(evaluation, namespace) {
    return thenOf(evaluation, () => namespace);
  },
});

// The request path, run once while the snapshot is made: the snapshot keeps the bytecode
// of what ran (kKeep), so a worker does not parse and compile these functions again on
// its first request. Only what needs no native host runs here, and it leaves no state.
async function warmRequestPath() {
  const request = createRequestFromNative("POST", "http://localhost/warm?x=1", ["content-type", "application/json"], '{"name":"warm"}', null);
  const { name } = await request.json();
  request.headers.get("content-type");
  new URL(request.url).searchParams.get("x");
  for (const response of [
    new Response(JSON.stringify({ message: `Hello ${name}!` }), { headers: { "Content-Type": "application/json" } }),
    Response.json({ name }, { status: 201 }),
    new Response("text"),
  ]) {
    readResponseForNative(response);
  }
}
warmRequestPath();

// Last: V8 installs its own versions of these when a worker's context is deserialised.
removeStandIns();
