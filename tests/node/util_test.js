import { assert, assertEquals, assertStrictEquals, assertThrows } from "../js/assert.js";
import util, { deprecate, format, inherits, inspect, isDeepStrictEqual, promisify, types } from "node:util";

Deno.test("node:util: format", () => {
  assertStrictEquals(format("%s=%d", "a", 42), "a=42");
  assertStrictEquals(format("%i %f", "42.5", "1.5"), "42 1.5");
  assertStrictEquals(format("%j", { a: 1 }), '{"a":1}');
  assertStrictEquals(format("100%% %s", "done"), "100% done");
  assertStrictEquals(format("a", "b", 3), "a b 3");
  assertStrictEquals(format("%s", 10n), "10n");
  assertStrictEquals(format("%d", -0), "-0");
  assertStrictEquals(format(1, 2), "1 2");
  assertStrictEquals(format("%s"), "%s");
});

Deno.test("node:util: inspect of plain values", () => {
  assertStrictEquals(inspect({ a: 1, b: [1, 2] }), "{ a: 1, b: [ 1, 2 ] }");
  assertStrictEquals(inspect(new Map([[1, 2]])), "Map(1) { 1 => 2 }");
  assertStrictEquals(inspect(42), "42");
  assertStrictEquals(inspect.custom, Symbol.for("nodejs.util.inspect.custom"));
  const custom = { [inspect.custom]: () => "CUSTOM" };
  assertStrictEquals(inspect(custom), "CUSTOM");
});

Deno.test("node:util: promisify", async () => {
  const callbackStyle = (a, b, cb) => setTimeout(() => (a < 0 ? cb(new Error("negative")) : cb(null, a + b)), 0);
  const promised = promisify(callbackStyle);
  assertStrictEquals(await promised(1, 2), 3);
  let message = "";
  await promised(-1, 2).catch((e) => (message = e.message));
  assertStrictEquals(message, "negative");
  const custom = () => {};
  custom[promisify.custom] = () => Promise.resolve("custom");
  assertStrictEquals(await promisify(custom)(), "custom");
  assertStrictEquals(promisify.custom, Symbol.for("nodejs.util.promisify.custom"));

  assertThrows(() => promisify(42), TypeError);
});

Deno.test("node:util: inherits and deprecate", () => {
  function Base() {}
  Base.prototype.hello = () => "hello";
  function Child() {}
  inherits(Child, Base);
  assertStrictEquals(new Child().hello(), "hello");
  assertStrictEquals(Child.super_, Base);
  const old = deprecate((x) => x + 1, "old() is deprecated", "DEP_SBFN_TEST");
  assertStrictEquals(old(1), 2);
});

Deno.test("node:util: types", () => {
  assert(types.isPromise(Promise.resolve()));
  assert(!types.isPromise({ then() {} }));
  assert(types.isDate(new Date()));
  assert(!types.isDate({}));
  assert(types.isRegExp(/x/));
  assert(types.isMap(new Map()) && types.isSet(new Set()));
  assert(types.isUint8Array(new Uint8Array(1)) && !types.isUint8Array(new Int8Array(1)));
  assert(types.isTypedArray(new Float64Array(1)));
  assert(types.isArrayBuffer(new ArrayBuffer(1)));
  assert(types.isAnyArrayBuffer(new ArrayBuffer(1)));
  assert(types.isNativeError(new TypeError()));
  assert(types.isProxy(new Proxy({}, {})) && !types.isProxy({}));
  assert(types.isBoxedPrimitive(Object(1)) && types.isNumberObject(Object(1)) && types.isStringObject(Object("s")));
  assert(types.isAsyncFunction(async () => {}) && !types.isAsyncFunction(() => {}));
  assert(types.isGeneratorFunction(function* () {}));
  (function () {
    assert(types.isArgumentsObject(arguments));
  })();
  assert(types.isMapIterator(new Map().keys()));
  assert(types.isDataView(new DataView(new ArrayBuffer(1))));
  assert(types.isWeakMap(new WeakMap()) && types.isWeakSet(new WeakSet()));
});

Deno.test("node:util: isDeepStrictEqual and the rest", () => {
  assert(isDeepStrictEqual({ a: [1, { b: 2 }] }, { a: [1, { b: 2 }] }));
  assert(!isDeepStrictEqual({ a: 1 }, { a: "1" }));
  assert(isDeepStrictEqual(new Map([[1, { x: 1 }]]), new Map([[1, { x: 1 }]])));
  assert(!isDeepStrictEqual([1, 2], [2, 1]));
  assertStrictEquals(util.TextEncoder, TextEncoder);
  assertStrictEquals(util.TextDecoder, TextDecoder);
  assertStrictEquals(util.isArray, Array.isArray);
  assertStrictEquals(util.stripVTControlCharacters("\u001b[31mred\u001b[39m"), "red");
});
