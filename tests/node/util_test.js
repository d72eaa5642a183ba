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

Deno.test("node:util: inspect prints as Node does", () => {
  class Point {
    constructor() {
      this.x = 1;
    }
  }
  const circular = { name: "c" };
  circular.self = circular;
  assertStrictEquals(inspect({ a: 1, b: "s", c: [1, 2, { d: { e: { f: 1 } } }] }), "{ a: 1, b: 's', c: [ 1, 2, { d: [Object] } ] }");
  assertStrictEquals(inspect(["a", null, undefined, 2n, Symbol("s")]), "[ 'a', null, undefined, 2n, Symbol(s) ]");
  assertStrictEquals(inspect("it's"), `"it's"`);
  assertStrictEquals(inspect(new Map([["a", 1], [{ k: 1 }, [2]]])), "Map(2) { 'a' => 1, { k: 1 } => [ 2 ] }");
  assertStrictEquals(inspect(new Set([1, "x"])), "Set(2) { 1, 'x' }");
  assertStrictEquals(inspect(new Point()), "Point { x: 1 }");
  assertStrictEquals(inspect(Point), "[class Point]");
  assertStrictEquals(inspect(function named() {}), "[Function: named]");
  assertStrictEquals(inspect(circular), "<ref *1> { name: 'c', self: [Circular *1] }");
  assertStrictEquals(inspect({ a: { b: 1 } }, { depth: 0 }), "{ a: [Object] }");
  assertStrictEquals(inspect({ a: { b: { c: { d: {} } } } }, { depth: null }), "{\n  a: { b: { c: { d: {} } } }\n}");
  assertStrictEquals(inspect(Promise.resolve(3)), "Promise { 3 }");
  assertStrictEquals(inspect(Promise.reject(new Error("x")).catch(() => {}) && new Promise(() => {})), "Promise { <pending> }");
  assertStrictEquals(inspect({ "key-with-dash": 1 }), "{ 'key-with-dash': 1 }");
  assertStrictEquals(inspect(new Error("boom")).split("\n")[0], "Error: boom");
  assertStrictEquals(inspect(Object.create(null)), "[Object: null prototype] {}");
  assertStrictEquals(inspect(Array.from({ length: 120 }, (_, i) => i)).includes("... 20 more items"), true);
  assertStrictEquals(inspect(new Date(0)), "1970-01-01T00:00:00.000Z");
  assertStrictEquals(inspect({ get x() { return 1; } }), "{ x: [Getter] }");
});

Deno.test("node:util: format placeholders as Node's", () => {
  assertStrictEquals(format("%d", 42.5), "42.5");
  assertStrictEquals(format("%i", 42.9), "42");
  assertStrictEquals(format("%f", "1.25"), "1.25");
  assertStrictEquals(format("%O", { c: 2 }), "{ c: 2 }");
  assertStrictEquals(format("%o", "str"), "'str'");
  assertStrictEquals(format("%c styled", "color: red"), " styled");
  assertStrictEquals(format("%s", { toString() { return "custom"; } }), "custom");
  assertStrictEquals(format("%s", { a: { b: 1 } }), "{ a: [Object] }");
  assertStrictEquals(format("%s:%s", "a"), "a:%s");
  assertStrictEquals(format("%d", "abc"), "NaN");
  const circular = {};
  circular.self = circular;
  assertStrictEquals(format("%j", circular), "[Circular]");
  assertStrictEquals(format("x", { b: "y" }), "x { b: 'y' }");
  assertStrictEquals(util.formatWithOptions({ depth: 0 }, "%O", { a: { b: 1 } }), "{ a: [Object] }");
});

Deno.test("node:util: system errors, styleText, parseArgs, MIMEType, aborted", async () => {
  assertStrictEquals(util.getSystemErrorName(-2), "ENOENT");
  assertStrictEquals(util.getSystemErrorName(-13), "EACCES");
  assertEquals(util.getSystemErrorMap().get(-2), ["ENOENT", "no such file or directory"]);
  assertThrows(() => util.getSystemErrorName(2), RangeError);
  assertStrictEquals(util.styleText("red", "text", { validateStream: false }), "\u001b[31mtext\u001b[39m");
  assertStrictEquals(util.styleText(["bold", "green"], "t", { validateStream: false }), "\u001b[1m\u001b[32mt\u001b[39m\u001b[22m");
  assertThrows(() => util.styleText("no-such-style", "t"), TypeError);
  const parsed = util.parseArgs({
    args: ["-f", "--bar", "b", "pos"],
    options: { foo: { type: "boolean", short: "f" }, bar: { type: "string" } },
    allowPositionals: true,
  });
  assertEquals({ ...parsed.values }, { foo: true, bar: "b" });
  assertEquals(parsed.positionals, ["pos"]);
  assertThrows(() => util.parseArgs({ args: ["--nope"], options: {} }));
  const mime = new util.MIMEType("Text/HTML; Charset=\"utf-8\"");
  assertStrictEquals(mime.type, "text");
  assertStrictEquals(mime.subtype, "html");
  assertStrictEquals(mime.essence, "text/html");
  assertStrictEquals(mime.params.get("charset"), "utf-8");
  assertStrictEquals(String(mime), "text/html;charset=utf-8");
  mime.params.set("q", "a b");
  assertStrictEquals(mime.toString(), 'text/html;charset=utf-8;q="a b"');
  assertThrows(() => new util.MIMEType("nope"), TypeError);
  const controller = new AbortController();
  const aborted = util.aborted(controller.signal, {});
  controller.abort();
  await aborted;
  assertStrictEquals(typeof util.TextEncoder, "function");
  assertStrictEquals(typeof util.TextDecoder, "function");
});

Deno.test("node:util: the legacy type checks Node 22 still has", () => {
  if (typeof util.isString !== "function") return; // Deno dropped them (Node 23 did too)
  assert(util.isString("s") && !util.isString(1));
  assert(util.isObject({}) && !util.isObject(null));
  assert(util.isPrimitive(1) && !util.isPrimitive({}));
  assert(util.isNullOrUndefined(undefined));
});
