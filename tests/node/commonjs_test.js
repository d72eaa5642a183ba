import { assert, assertEquals, assertStrictEquals } from "../js/assert.js";
import exportsDefault, * as exportsNs from "./fixtures/cjs/exports.cjs";
import { answer, defined, greet } from "./fixtures/cjs/exports.cjs";
import double, { triple } from "./fixtures/cjs/function_export.cjs";
import * as reexported from "./fixtures/cjs/reexport.cjs";
import requires from "./fixtures/cjs/requires.cjs";
import cycle from "./fixtures/cjs/cycle_a.cjs";
import requiresEsm from "./fixtures/cjs/requires_esm.cjs";
import thrower from "./fixtures/cjs/thrower.cjs";

const here = new URL("./fixtures/cjs/", import.meta.url);
const dir = decodeURIComponent(here.pathname).replace(/\/$/, "");

Deno.test("CommonJS from ESM: module.exports is the default, names are found statically", () => {
  assertStrictEquals(answer, 42);
  assertStrictEquals(greet("cjs"), "hello cjs");
  assertStrictEquals(defined, "via defineProperty");
  assertStrictEquals(exportsDefault.answer, 42);
  assertStrictEquals(exportsNs.default, exportsDefault);
  assertStrictEquals(exportsNs["module.exports"], exportsDefault);
  assertStrictEquals(exportsDefault.thisIsExports, true);
  assertStrictEquals(exportsDefault.wrapperArguments, 5);
  assertStrictEquals(double(4), 8);
  assertStrictEquals(triple(2), 6);
  assertStrictEquals(reexported.answer, 42);
  assertStrictEquals(reexported.default, exportsDefault);
  assertEquals(Object.keys(reexported).sort(), ["answer", "default", "defined", "greet", "module.exports", "thisIsExports", "wrapperArguments"]);
});

Deno.test("CommonJS: require of CommonJS, JSON and built-ins", () => {
  assertStrictEquals(requires.sameEvents, true);
  assertStrictEquals(requires.emitterWorks, "value");
  assertStrictEquals(requires.joined, "a/b");
  assertEquals(requires.data, { name: "data", list: [1, 2, 3] });
  assertStrictEquals(requires.sameData, true);
  assertStrictEquals(requires.answer, 42);
  assertStrictEquals(requires.base64, "Y2pz");
  assertStrictEquals(requires.requireType, "function");
  assertStrictEquals(requires.resolvedBuiltin, "node:path");
  assertStrictEquals(requires.cached, true);
  assertEquals(requires.missing, ["MODULE_NOT_FOUND", "Cannot find module './does_not_exist.cjs'"]);
  assertEquals(requires.unknownBuiltin, ["ERR_UNKNOWN_BUILTIN_MODULE", "No such built-in module: node:definitely_not_a_module"]);
});

Deno.test("CommonJS: __filename, __dirname and the module object are paths", () => {
  assertStrictEquals(requires.filename, `${dir}/requires.cjs`);
  assertStrictEquals(requires.dirname, dir);
  assertStrictEquals(requires.moduleId, `${dir}/requires.cjs`);
  assertStrictEquals(requires.moduleFilename, `${dir}/requires.cjs`);
  assertStrictEquals(requires.loadedWhileRunning, false);
  assertEquals(requires.children, ["data.json", "exports.cjs"]);
  assertStrictEquals(requires.resolved, `${dir}/exports.cjs`);
});

Deno.test("CommonJS: a require cycle sees partial exports", () => {
  assertStrictEquals(cycle.bSaw, "early");
  assertStrictEquals(cycle.bDone, true);
  assertStrictEquals(cycle.late, "set after requiring b");
});

Deno.test("CommonJS: require of ES modules", () => {
  assertStrictEquals(requiresEsm.fromEsm, "esm value");
  assertStrictEquals(requiresEsm.defaultCall, "esm default");
  assertStrictEquals(requiresEsm.esModule, true);
  assertEquals(requiresEsm.namedKeys, ["only"]);
  assertStrictEquals(requiresEsm.tag, "[object Module]");
});

Deno.test("CommonJS: stack traces name the file and line", () => {
  let stack = "";
  try {
    thrower();
  } catch (error) {
    stack = error.stack;
  }
  assert(stack.includes("thrown at 42"), stack);
  assert(stack.includes(`fixtures/cjs/thrower.cjs:4:9`), stack);
});
