import { assert, assertEquals, assertStrictEquals, assertThrows } from "../js/assert.js";
import process, { env, hrtime, nextTick } from "node:process";
import EventEmitter from "node:events";

Deno.test("node:process: the global process, an EventEmitter", () => {
  assertStrictEquals(process, globalThis.process);
  assert(process instanceof EventEmitter);
  assertStrictEquals(process.platform, "linux");
  assertStrictEquals(process.arch, "x64");
  assert(/^v\d+\.\d+\.\d+$/.test(process.version));
  assertStrictEquals(process.versions.node, process.version.slice(1));
  assertStrictEquals(typeof process.versions.v8, "string");
  assertStrictEquals(process.release.name, "node");
  assertStrictEquals(typeof process.pid, "number");
  assert(Array.isArray(process.argv));
  assert(process.argv[1].endsWith("process_test.js"));
  assertEquals(process.execArgv, []);
  assertStrictEquals(process.cwd(), Deno.cwd());
  assertStrictEquals(typeof process.uptime(), "number");
  assertStrictEquals(typeof process.stdout.write, "function");
  assertStrictEquals(typeof process.stderr.write, "function");
});

Deno.test("node:process: env is the worker's environment", () => {
  assertStrictEquals(env, process.env);
  process.env.SBFN_NODE_TEST = 42;
  assertStrictEquals(Deno.env.get("SBFN_NODE_TEST"), "42");
  assertStrictEquals(process.env.SBFN_NODE_TEST, "42");
  assert("SBFN_NODE_TEST" in process.env);
  assert(Object.keys(process.env).includes("SBFN_NODE_TEST"));
  delete process.env.SBFN_NODE_TEST;
  assertStrictEquals(Deno.env.get("SBFN_NODE_TEST"), undefined);
  assertStrictEquals(process.env.SBFN_NODE_TEST, undefined);
});

Deno.test("node:process: nextTick runs callbacks in order, with arguments", async () => {
  const order = [];
  nextTick((a, b) => order.push(`tick ${a}${b}`), 1, 2);
  nextTick(() => order.push("second tick"));
  assertEquals(order, []);
  await new Promise((resolve) => setTimeout(resolve, 10));
  assertEquals(order, ["tick 12", "second tick"]);
  assertThrows(() => nextTick("not a function"), TypeError);
});

Deno.test("node:process: hrtime and hrtime.bigint", () => {
  const start = hrtime();
  assertStrictEquals(start.length, 2);
  const [seconds, nanos] = hrtime(start);
  assert(seconds >= 0 && nanos >= 0 && nanos < 1e9);
  const a = hrtime.bigint();
  const b = hrtime.bigint();
  assertStrictEquals(typeof a, "bigint");
  assert(b >= a);
});

Deno.test("node:process: memoryUsage", () => {
  const usage = process.memoryUsage();
  for (const key of ["rss", "heapTotal", "heapUsed", "external"]) {
    assertStrictEquals(typeof usage[key], "number");
  }
  assert(usage.heapUsed > 0);
  assertStrictEquals(typeof process.memoryUsage.rss(), "number");
});

Deno.test("node:process: 'unhandledRejection' listeners handle rejections", async () => {
  const seen = [];
  const listener = (reason, promise) => seen.push([reason.message, promise instanceof Promise]);
  process.on("unhandledRejection", listener);
  Promise.reject(new Error("nobody catches me"));
  await new Promise((resolve) => setTimeout(resolve, 20));
  process.off("unhandledRejection", listener);
  assertEquals(seen, [["nobody catches me", true]]);
});

Deno.test("node:process: stdout and stderr write to the log, as streams", async () => {
  assertStrictEquals(process.stdout.fd, 1);
  assertStrictEquals(process.stderr.fd, 2);
  assertStrictEquals(process.stdout.writable, true);
  assertStrictEquals(typeof process.stdout.on, "function");
  const written = await new Promise((resolve) => {
    const result = process.stdout.write("from process.stdout\n", () => resolve(result));
  });
  assertStrictEquals(written, true);
  process.stderr.write(new TextEncoder().encode("bytes to stderr\n"));
});

Deno.test("node:process: emitWarning reaches 'warning' listeners", async () => {
  const warning = new Promise((resolve) => process.once("warning", resolve));
  process.emitWarning("something odd", { type: "CustomWarning", code: "SBFN_TEST" });
  const received = await warning;
  assertStrictEquals(received.name, "CustomWarning");
  assertStrictEquals(received.code, "SBFN_TEST");
  assertStrictEquals(received.message, "something odd");
});

Deno.test("node:process: features, exitCode and flags", () => {
  assertStrictEquals(typeof process.features, "object");
  assertStrictEquals(typeof process.features.inspector, "boolean");
  assert(process.allowedNodeEnvironmentFlags instanceof Set);
  const before = process.exitCode;
  process.exitCode = 3;
  assertStrictEquals(process.exitCode, 3);
  process.exitCode = before;
  assertStrictEquals(typeof process.config, "object");
  assertStrictEquals(typeof process.emitWarning, "function");
});

Deno.test("node:process: stdin is not a terminal", () => {
  assertStrictEquals(process.stdin.fd, 0);
  assertStrictEquals(process.stdin.isTTY ?? false, false);
  assertStrictEquals(typeof process.stdin.on, "function");
});

Deno.test("node:process: 'uncaughtException' listeners handle errors thrown by callbacks", async () => {
  const caught = new Promise((resolve) => {
    const listener = (error, origin) => {
      process.off("uncaughtException", listener);
      resolve([error.message, origin]);
    };
    process.on("uncaughtException", listener);
  });
  setTimeout(() => {
    throw new Error("thrown in a timer");
  }, 1);
  assertEquals(await caught, ["thrown in a timer", "uncaughtException"]);
});
