import { assert, assertEquals, assertStrictEquals, assertThrows } from "../js/assert.js";
import Module, { builtinModules, createRequire, isBuiltin } from "node:module";
import exportsDefault from "./fixtures/cjs/exports.cjs";

Deno.test("node:module: createRequire from a URL or a path", () => {
  const require = createRequire(import.meta.url);
  assertStrictEquals(require("./fixtures/cjs/exports.cjs"), exportsDefault);
  assertStrictEquals(require("./fixtures/cjs/data.json").name, "data");
  assertStrictEquals(require("node:events"), require("events"));
  const fromPath = createRequire(decodeURIComponent(new URL(import.meta.url).pathname));
  assertStrictEquals(fromPath("./fixtures/cjs/exports.cjs"), exportsDefault);
  assertStrictEquals(typeof require.resolve, "function");
  assert(require.resolve("./fixtures/cjs/exports.cjs").endsWith("/fixtures/cjs/exports.cjs"));
  assertStrictEquals(require.resolve("node:fs"), "node:fs");
  assertThrows(() => require(""), TypeError);
  assertThrows(() => require(42), TypeError);
  assertStrictEquals(assertThrows(() => require("./fixtures/cjs/missing.cjs")).code, "MODULE_NOT_FOUND");
  assertThrows(() => createRequire("relative/path.js"));
});

// What this runtime provides beyond the net, http and zlib/crypto families.
const systemModules = [
  "assert", "assert/strict", "async_hooks", "buffer", "child_process", "cluster", "console", "constants",
  "dgram", "diagnostics_channel", "domain", "events", "fs", "fs/promises", "inspector", "module", "os",
  "path", "path/posix", "path/win32", "perf_hooks", "process", "punycode", "querystring", "readline",
  "readline/promises", "repl", "stream", "stream/promises", "stream/web", "string_decoder", "sys",
  "timers", "timers/promises", "trace_events", "tty", "url", "util", "util/types", "v8", "vm", "wasi",
  "worker_threads",
];

Deno.test("node:module: builtinModules and isBuiltin", () => {
  for (const name of systemModules) {
    assert(builtinModules.includes(name), name);
    assert(isBuiltin(name) && isBuiltin(`node:${name}`), name);
  }
  assert(!isBuiltin("not-a-builtin"));
  assert(!isBuiltin("node:not-a-builtin"));
  assert(!isBuiltin(42));
  assertStrictEquals(Module.builtinModules, builtinModules);
  assertStrictEquals(Module.createRequire, createRequire);
});

Deno.test("node:module: every built-in is required without an error", () => {
  const require = createRequire(import.meta.url);
  for (const name of systemModules) {
    const exports = require(`node:${name}`);
    assert(exports !== undefined && exports !== null, name);
    assertStrictEquals(require(name), exports, name);
  }
});

Deno.test("node:module: every name builtinModules lists is there to require", () => {
  const require = createRequire(import.meta.url);
  const missing = builtinModules.map((name) => {
    try {
      return require(name) == null ? `${name}: nothing exported` : null;
    } catch (error) {
      return `${name}: ${error.message}`;
    }
  }).filter((problem) => problem !== null);
  assertEquals(missing, []);
  assert(builtinModules.includes("stream/consumers"));
});
