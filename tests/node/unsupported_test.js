// The built-ins a function cannot fully use (sbfn refuses their processes, threads, other
// contexts, ...: tests/specs/serve/node_system checks the refusals). Here: what works in
// both sbfn and Deno — they import, and their harmless parts answer.
import { assert, assertStrictEquals } from "../js/assert.js";
import childProcess from "node:child_process";
import cluster from "node:cluster";
import constants from "node:constants";
import dgram from "node:dgram";
import inspector from "node:inspector";
import repl from "node:repl";
import traceEvents from "node:trace_events";
import tty from "node:tty";
import v8 from "node:v8";
import vm from "node:vm";
import wasi from "node:wasi";
import workerThreads from "node:worker_threads";

Deno.test("node: refused built-ins import and keep Node's shape", () => {
  for (const name of ["exec", "execFile", "execFileSync", "execSync", "fork", "spawn", "spawnSync"]) {
    assertStrictEquals(typeof childProcess[name], "function", name);
  }
  assertStrictEquals(typeof dgram.createSocket, "function");
  assertStrictEquals(typeof inspector.open, "function");
  assertStrictEquals(typeof repl.start, "function");
  assertStrictEquals(typeof traceEvents.createTracing, "function");
  assertStrictEquals(typeof wasi.WASI, "function");
  assertStrictEquals(typeof workerThreads.Worker, "function");
});

Deno.test("node:worker_threads and node:cluster: this is the main thread, the primary", () => {
  assertStrictEquals(workerThreads.isMainThread, true);
  assertStrictEquals(workerThreads.parentPort, null);
  assertStrictEquals(typeof workerThreads.threadId, "number");
  assertStrictEquals(cluster.isPrimary, true);
  assertStrictEquals(cluster.isWorker, false);
  workerThreads.setEnvironmentData("sbfn-key", 42);
  assertStrictEquals(workerThreads.getEnvironmentData("sbfn-key"), 42);
});

Deno.test("node:vm: code runs in the function's own context", () => {
  assertStrictEquals(vm.runInThisContext("1 + 1"), 2);
  const script = new vm.Script("globalThis.__sbfnVm = (globalThis.__sbfnVm ?? 0) + 1");
  script.runInThisContext();
  assertStrictEquals(globalThis.__sbfnVm, 1);
  delete globalThis.__sbfnVm;
  assertStrictEquals(vm.compileFunction("return a * 2", ["a"])(21), 42);
  assertStrictEquals(vm.isContext({}), false);
  let syntaxError;
  try {
    new vm.Script("(");
  } catch (error) {
    syntaxError = error;
  }
  assert(syntaxError instanceof SyntaxError);
});

Deno.test("node:v8, node:tty, node:constants: the harmless parts", () => {
  const heap = v8.getHeapStatistics();
  assertStrictEquals(typeof heap.used_heap_size, "number");
  assertStrictEquals(typeof heap.heap_size_limit, "number");
  assert(heap.used_heap_size > 0);
  assertStrictEquals(typeof v8.cachedDataVersionTag(), "number");
  const value = { n: 1, s: "text", list: [1, 2], map: new Map([["k", new Date(0)]]), bytes: new Uint8Array([1, 2]) };
  const bytes = v8.serialize(value);
  assert(bytes instanceof Uint8Array && bytes.length > 0);
  const back = v8.deserialize(bytes);
  assertStrictEquals(back.s, "text");
  assertStrictEquals(back.map.get("k").getTime(), 0);
  assertStrictEquals(back.bytes[1], 2);
  assertStrictEquals(back.list.length, 2);
  assertStrictEquals(tty.isatty(123456), false);
  assertStrictEquals(constants.ENOENT, 2);
  assertStrictEquals(constants.SIGTERM, 15);
  assertStrictEquals(constants.O_RDONLY, 0);
  assertStrictEquals(constants.F_OK, 0);
});
