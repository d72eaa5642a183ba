import { assert, assertStrictEquals, assertThrows } from "../js/assert.js";
import assertModule, { AssertionError, deepStrictEqual, strictEqual, throws } from "node:assert";
import strict from "node:assert/strict";

Deno.test("node:assert: passing and failing assertions", async () => {
  assertModule(true);
  assertModule.ok(1);
  strictEqual(1, 1);
  deepStrictEqual({ a: [1, 2] }, { a: [1, 2] });
  assertModule.deepEqual({ a: 1 }, { a: "1" });
  assertModule.notStrictEqual(1, 2);
  assertModule.match("abc", /b/);
  throws(() => {
    throw new TypeError("bad");
  }, TypeError);
  throws(() => {
    throw new Error("specific");
  }, /specific/);
  await assertModule.rejects(Promise.reject(new Error("no")), { message: "no" });
  await assertModule.doesNotReject(Promise.resolve(1));

  const failures = [
    () => strictEqual(1, 2),
    () => deepStrictEqual({ a: 1 }, { a: "1" }),
    () => assertModule(false),
    () => assertModule.ok(0, "custom message"),
    () => throws(() => {}),
    () => strict.equal(1, "1"),
  ];
  for (const fail of failures) {
    let error;
    try {
      fail();
    } catch (e) {
      error = e;
    }
    assert(error instanceof AssertionError, `expected an AssertionError from ${fail}`);
    assertStrictEquals(error.code, "ERR_ASSERTION");
    assertStrictEquals(error.name, "AssertionError");
  }
  try {
    assertModule.ok(0, "custom message");
  } catch (error) {
    assertStrictEquals(error.message, "custom message");
    assertStrictEquals(error.actual, 0);
    assertStrictEquals(error.expected, true);
    assertStrictEquals(error.operator, "==");
  }
  assertStrictEquals(strict.strict, strict);
  assertStrictEquals(assertModule.strict, strict);
  assertThrows(() => strict.deepEqual([1], ["1"]), AssertionError);
});
