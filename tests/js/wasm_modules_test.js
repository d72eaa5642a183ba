// Wasm modules imported as ES modules, as Deno 2 does it: the exports of the instance are
// the module's exports, and the Wasm imports are module specifiers resolved against the
// .wasm's URL. The .wasm files are built from their .wat sources by fixtures/wasm/build.sh.
import { assert, assertEquals, assertRejects, assertStrictEquals } from "./assert.js";
import answerDefault, * as exportsNs from "./fixtures/wasm/exports.wasm";
import { add, answer, big, counter, getCounter, memory, ratio, setCounter, table } from "./fixtures/wasm/exports.wasm";
import { run } from "./fixtures/wasm/imports.wasm";
import { calls } from "./fixtures/wasm/env.js";
import { readShared, shared } from "./fixtures/wasm/linked_a.wasm";
import { bumpShared } from "./fixtures/wasm/linked_b.wasm";
import { viaWasm } from "./fixtures/wasm/cycle.js";
import required from "./fixtures/wasm/require.cjs";

const fixture = (name) => new URL(`./fixtures/wasm/${name}`, import.meta.url).href;

Deno.test("a Wasm module's exports are the module's exports", () => {
  assertStrictEquals(add(2, 40), 42);
  assertStrictEquals(typeof add, "function");
  assertStrictEquals(add.length, 2);
  assert(memory instanceof WebAssembly.Memory);
  assertEquals([...new Uint8Array(memory.buffer, 0, 2)], [104, 105]);
  assert(table instanceof WebAssembly.Table);
  assertStrictEquals(table.length, 2);
  // An export named "default" is the default export.
  assertStrictEquals(answerDefault(), 7);
  assertStrictEquals(exportsNs.default, answerDefault);
  assertEquals(Object.keys(exportsNs), [
    "add", "answer", "big", "counter", "default", "getCounter", "memory", "ratio", "setCounter", "table",
  ]);
  assertStrictEquals(Object.prototype.toString.call(exportsNs), "[object Module]");
});

Deno.test("exported globals are their values at instantiation", () => {
  assertStrictEquals(answer, 42);
  assertStrictEquals(ratio, 1.5);
  assertStrictEquals(big, 5n);
  assertStrictEquals(counter, 7);
  // A snapshot: the module's later writes do not reach the binding.
  setCounter(9);
  assertStrictEquals(getCounter(), 9);
  assertStrictEquals(counter, 7);
  assertStrictEquals(exportsNs.counter, 7);
  setCounter(7);
});

Deno.test("a Wasm module imports from JavaScript modules named relative to it", () => {
  const before = calls.length;
  assertStrictEquals(run(5), 105);
  assertEquals(calls.slice(before), [5]);
});

Deno.test("a mutable global imported from another Wasm module is that module's global", () => {
  const start = readShared();
  bumpShared();
  assertStrictEquals(readShared(), start + 10);
  assertStrictEquals(shared, 1);  // the exporting module's binding stays its snapshot
});

Deno.test("cycles through a Wasm module link as ES module cycles do", async () => {
  assertStrictEquals(viaWasm(3), 12);
  // An import of a `const` that the cycle has not initialised yet.
  await assertRejects(() => import("./fixtures/wasm/tdz.js"), ReferenceError, "before initialization");
});

Deno.test("the same module whether imported statically or dynamically", async () => {
  const again = await import("./fixtures/wasm/exports.wasm");
  assertStrictEquals(again, exportsNs);
  assertStrictEquals(again.add, add);
});

Deno.test("require() of a Wasm module gives its namespace", () => {
  assertStrictEquals(required.run(1), 101);
  assertEquals(Object.keys(required), ["run"]);
});

Deno.test("a replaced WebAssembly.Instance does not change how Wasm modules instantiate", async () => {
  const original = WebAssembly.Instance;
  WebAssembly.Instance = function () {
    throw new Error("the function's own WebAssembly.Instance");
  };
  try {
    const { readShared: read } = await import("./fixtures/wasm/linked_a.wasm?fresh");
    assertStrictEquals(read(), 1);
  } finally {
    WebAssembly.Instance = original;
  }
});

Deno.test("a broken Wasm module fails in Deno's words", async () => {
  await assertRejects(
    () => import("./fixtures/wasm/not_wasm.wasm"),
    TypeError,
    `The Wasm module could not be parsed: not a Wasm module\n  Specifier: ${fixture("not_wasm.wasm")}`,
  );
  await assertRejects(
    () => import("./fixtures/wasm/truncated.wasm"),
    TypeError,
    `The Wasm module could not be parsed: unexpected end of file\n  Specifier: ${fixture("truncated.wasm")}`,
  );
  await assertRejects(
    () => import("./fixtures/wasm/bad_version.wasm"),
    TypeError,
    "The Wasm module could not be parsed: unsupported Wasm version: 2",
  );
  // Well framed, but not valid: V8 refuses to compile it.
  await assertRejects(
    () => import("./fixtures/wasm/invalid_code.wasm"),
    TypeError,
    `Failed to compile Wasm module '${fixture("invalid_code.wasm")}'`,
  );
});

Deno.test("a Wasm import that does not resolve fails as an ES module import does", async () => {
  await assertRejects(
    () => import("./fixtures/wasm/missing_export.wasm"),
    SyntaxError,
    "The requested module './env.js' does not provide an export named 'nosuch'",
  );
  await assertRejects(
    () => import("./fixtures/wasm/missing_module.wasm"),
    TypeError,
    `Module not found "${fixture("nowhere.js")}"`,
  );
  await assertRejects(
    () => import("./fixtures/wasm/wrong_kind.wasm"),
    WebAssembly.LinkError,
    "function import requires a callable",
  );
});
