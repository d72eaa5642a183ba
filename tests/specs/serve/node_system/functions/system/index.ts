// sbfn's rules for node: built-ins a function cannot fully use: the refused modules import
// cleanly and throw ERR_NOT_SUPPORTED when used; node:fs keeps Deno's file rules (read the
// function's folder, write /tmp); AsyncLocalStorage set in one request never reaches the next.
import childProcess from "node:child_process";
import cluster from "node:cluster";
import dgram from "node:dgram";
import inspector from "node:inspector";
import repl from "node:repl";
import traceEvents from "node:trace_events";
import tty from "node:tty";
import v8 from "node:v8";
import vm from "node:vm";
import wasi from "node:wasi";
import workerThreads from "node:worker_threads";
import fs from "node:fs";
import { AsyncLocalStorage } from "node:async_hooks";
import nodeModule from "node:module";
import sqlite from "node:sqlite";

const storage = new AsyncLocalStorage();

function refusal(fn: () => unknown) {
  try {
    fn();
    return "no error";
  } catch (error) {
    return `${error.code}: ${error.message}`;
  }
}

function fsCode(fn: () => unknown) {
  try {
    fn();
    return "ok";
  } catch (error) {
    return `${error.code} ${error.syscall}`;
  }
}

Deno.serve((request) => {
  const op = new URL(request.url).searchParams.get("op");
  if (op === "refused") {
    return Response.json({
      spawn: refusal(() => childProcess.spawn("ls")),
      execSync: refusal(() => childProcess.execSync("ls")),
      fork: refusal(() => cluster.fork()),
      isPrimary: cluster.isPrimary,
      dgram: refusal(() => dgram.createSocket("udp4")),
      inspector: refusal(() => inspector.open()),
      repl: refusal(() => repl.start()),
      tracing: refusal(() => traceEvents.createTracing({ categories: ["v8"] })),
      isatty: tty.isatty(1),
      heap: typeof v8.getHeapStatistics().used_heap_size,
      flags: refusal(() => v8.setFlagsFromString("--allow-natives-syntax")),
      newContext: refusal(() => vm.runInNewContext("1")),
      thisContext: vm.runInThisContext("1 + 1"),
      wasi: refusal(() => new wasi.WASI()),
      worker: refusal(() => new workerThreads.Worker("x.js")),
      isMainThread: workerThreads.isMainThread,
      chown: refusal(() => fs.chownSync("/tmp/x", 0, 0)),
      watch: refusal(() => fs.watch("/tmp")),
      sqliteIsBuiltin: [nodeModule.isBuiltin("node:sqlite"), nodeModule.isBuiltin("sqlite")],
      sqlite: refusal(() => new sqlite.DatabaseSync(":memory:")),
      register: refusal(() => nodeModule.register("./hooks.mjs", import.meta.url)),
    });
  }
  if (op === "fs") {
    const own = new URL("./index.ts", import.meta.url).pathname;
    return Response.json({
      readOwn: fs.readFileSync(own, "utf8").startsWith("// sbfn's rules"),
      writeOwn: fsCode(() => fs.writeFileSync(own, "x")),
      readOutside: fsCode(() => fs.readFileSync("/etc/hostname")),
      writeOutside: fsCode(() => fs.writeFileSync("/etc/sbfn-spec", "x")),
      writeTmp: fsCode(() => fs.writeFileSync("/tmp/sbfn-spec", "x")),
    });
  }
  // op=enter sets a store for the rest of this request; the next request must not see it.
  const before = storage.getStore() ?? null;
  if (op === "enter") storage.enterWith(new URL(request.url).searchParams.get("value"));
  return Response.json({ before, now: storage.getStore() ?? null });
});
