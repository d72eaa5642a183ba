import { assertStrictEquals } from "./assert.js";

// Deno.inspect is the formatter behind console.log.
const cases = [
  [{ a: 1 }, "{ a: 1 }"],
  [{ s: "x", n: null, u: undefined }, '{ s: "x", n: null, u: undefined }'],
  ["top", '"top"'],
  [[1, 2, 3], "[ 1, 2, 3 ]"],
  [[], "[]"],
  [{}, "{}"],
  [{ "a-b": 1, ok: 2 }, '{ "a-b": 1, ok: 2 }'],
  [new Map([["a", 1]]), 'Map(1) { "a" => 1 }'],
  [new Set([1, 2]), "Set(2) { 1, 2 }"],
  [new Uint8Array([1, 2, 3]), "Uint8Array(3) [ 1, 2, 3 ]"],
  [1n, "1n"],
  [-0, "-0"],
  [Symbol("s"), "Symbol(s)"],
  [new Date(0), "1970-01-01T00:00:00.000Z"],
  [/a+/g, "/a+/g"],
  [[1, , 3], "[ 1, <1 empty item>, 3 ]"],
  [{ a: { b: { c: { d: { e: { f: 1 } } } } } }, "{\n  a: {\n    b: { c: { d: { e: [Object] } } }\n  }\n}"],
  [[[[[[[1]]]]]], "[\n  [\n    [ [ [ [Array] ] ] ]\n  ]\n]"],
  [{ q: 'it"s' }, `{ q: 'it"s' }`],
  [[null, undefined, true], "[ null, undefined, true ]"],
  [Object.create(null), "[Object: null prototype] {}"],
  [{ get g() { return 1; } }, "{ g: [Getter] }"],
  [new ArrayBuffer(2), "ArrayBuffer { [Uint8Contents]: <00 00>, byteLength: 2 }"],
  [
    { alpha: "aaaaaaaaaaaaaaaa", beta: "bbbbbbbbbbbbbbbbbbb", gamma: "ccccccccccccccc", d: 1 },
    '{\n  alpha: "aaaaaaaaaaaaaaaa",\n  beta: "bbbbbbbbbbbbbbbbbbb",\n  gamma: "ccccccccccccccc",\n  d: 1\n}',
  ],
  [
    Array.from({ length: 26 }, (_, i) => i),
    "[\n   0,  1,  2,  3,  4,  5,  6,  7,\n   8,  9, 10, 11, 12, 13, 14, 15,\n  16, 17, 18, 19, 20, 21, 22, 23,\n  24, 25\n]",
  ],
];

Deno.test("inspect: Deno-compatible formatting", () => {
  for (const [value, expected] of cases) {
    assertStrictEquals(Deno.inspect(value), expected);
  }
});

Deno.test("inspect: functions and classes", () => {
  function foo() {}
  class Foo {
    constructor() {
      this.x = 1;
    }
  }
  class Bar extends Foo {}
  assertStrictEquals(Deno.inspect(foo), "[Function: foo]");
  assertStrictEquals(Deno.inspect(Foo), "[class Foo]");
  assertStrictEquals(Deno.inspect(Bar), "[class Bar extends Foo]");
  assertStrictEquals(Deno.inspect(new Foo()), "Foo { x: 1 }");
  assertStrictEquals(Deno.inspect([() => {}]), "[ [Function (anonymous)] ]");
  assertStrictEquals(Deno.inspect(async function af() {}), "[AsyncFunction: af]");
});

Deno.test("inspect: circular references", () => {
  const o = { a: 1 };
  o.self = o;
  assertStrictEquals(Deno.inspect(o), "<ref *1> { a: 1, self: [Circular *1] }");
});

Deno.test("inspect: errors print their stack and cause", () => {
  const e = new Error("outer", { cause: new TypeError("inner") });
  const s = Deno.inspect(e);
  assertStrictEquals(s.split("\n")[0], "Error: outer");
  assertStrictEquals(s.includes("[cause]: TypeError: inner"), true);
  const p = new Error("withprop");
  p.code = "E_X";
  assertStrictEquals(Deno.inspect(p).includes('code: "E_X"'), true);
});

Deno.test("inspect: @std/assert's options (sorted, one entry per line, trailing commas)", () => {
  const options = { depth: Infinity, sorted: true, trailingComma: true, compact: false, iterableLimit: Infinity, getters: true };
  assertStrictEquals(Deno.inspect({ b: [1, 2], a: "x" }, options), '{\n  a: "x",\n  b: [\n    1,\n    2,\n  ],\n}');
  assertStrictEquals(Deno.inspect(new Map([[1, 2]]), options), "Map(1) {\n  1 => 2,\n}");
  assertStrictEquals(Deno.inspect({ a: 1 }, { trailingComma: true }), "{ a: 1 }");
});
