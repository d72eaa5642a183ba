import { assert, assertEquals, assertStrictEquals, assertThrows } from "./assert.js";

Deno.test("Array.prototype change-by-copy methods", () => {
  const a = [3, 1, 2];
  assertEquals(a.toSorted(), [1, 2, 3]);
  assertEquals(a.toSorted((x, y) => y - x), [3, 2, 1]);
  assertEquals(a.toReversed(), [2, 1, 3]);
  assertEquals(a.toSpliced(1, 1, "x", "y"), [3, "x", "y", 2]);
  assertEquals(a.toSpliced(1), [3]);
  assertEquals(a.with(-1, 9), [3, 1, 9]);
  assertEquals(a, [3, 1, 2]);
  assertThrows(() => a.with(3, 0), RangeError);
  assertThrows(() => a.toSorted("nope"), TypeError);
  assertStrictEquals(a.findLast((x) => x > 1), 2);
  assertStrictEquals(a.findLastIndex((x) => x > 5), -1);
  assertStrictEquals(Object.getOwnPropertyDescriptor(Array.prototype, "toSorted").enumerable, false);
});

Deno.test("TypedArray change-by-copy methods", () => {
  const t = new Uint8Array([3, 1, 2]);
  const sorted = t.toSorted();
  assert(sorted instanceof Uint8Array);
  assertEquals(sorted, new Uint8Array([1, 2, 3]));
  assertEquals(t.toReversed(), new Uint8Array([2, 1, 3]));
  assertEquals(t.with(0, 7), new Uint8Array([7, 1, 2]));
  assertEquals(t, new Uint8Array([3, 1, 2]));
  assertStrictEquals(t.findLast((x) => x < 3), 2);
  assertStrictEquals(t.findLastIndex((x) => x === 3), 0);
  assertThrows(() => t.with(5, 1), RangeError);
});

Deno.test("Object.groupBy and Map.groupBy", () => {
  const g = Object.groupBy([1, 2, 3, 4], (x) => (x % 2 ? "odd" : "even"));
  assertStrictEquals(Object.getPrototypeOf(g), null);
  assertEquals({ ...g }, { odd: [1, 3], even: [2, 4] });
  const m = Map.groupBy(["a", "bb", "c"], (s) => s.length);
  assertEquals(m.get(1), ["a", "c"]);
  assertEquals(m.get(2), ["bb"]);
});

Deno.test("Promise.withResolvers", async () => {
  const { promise, resolve } = Promise.withResolvers();
  resolve(5);
  assertStrictEquals(await promise, 5);
  const r = Promise.withResolvers();
  r.reject(new Error("x"));
  let caught = null;
  await r.promise.catch((e) => (caught = e.message));
  assertStrictEquals(caught, "x");
});

Deno.test("Array.fromAsync", async () => {
  async function* gen() {
    yield 1;
    yield 2;
  }
  assertEquals(await Array.fromAsync(gen()), [1, 2]);
  assertEquals(await Array.fromAsync([Promise.resolve(3), 4]), [3, 4]);
  assertEquals(await Array.fromAsync(gen(), (x) => x * 10), [10, 20]);
  assertEquals(await Array.fromAsync({ length: 2, 0: "a", 1: "b" }), ["a", "b"]);
});

Deno.test("String isWellFormed / toWellFormed", () => {
  assertStrictEquals("ab😀".isWellFormed(), true);
  assertStrictEquals("a\ud800b".isWellFormed(), false);
  assertStrictEquals("a\udc00".isWellFormed(), false);
  assertStrictEquals("a\ud800b\udc00".toWellFormed(), "a\ufffdb\ufffd");
  assertStrictEquals("😀".toWellFormed(), "😀");
});

Deno.test("Set methods", () => {
  const a = new Set([1, 2, 3]);
  const b = new Set([3, 4]);
  assertEquals([...a.union(b)], [1, 2, 3, 4]);
  assertEquals([...a.intersection(b)], [3]);
  assertEquals([...a.difference(b)], [1, 2]);
  assertEquals([...a.symmetricDifference(b)], [1, 2, 4]);
  assertStrictEquals(new Set([1]).isSubsetOf(a), true);
  assertStrictEquals(a.isSupersetOf(new Set([2, 3])), true);
  assertStrictEquals(a.isDisjointFrom(new Set([9])), true);
  assertStrictEquals(a.isDisjointFrom(b), false);
  const setLike = { size: 1, has: (x) => x === 2, keys: () => [2][Symbol.iterator]() };
  assertEquals([...a.intersection(setLike)], [2]);
  assertThrows(() => a.union([1]), TypeError);
});
