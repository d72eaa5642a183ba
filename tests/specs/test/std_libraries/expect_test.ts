import { expect, fn } from "jsr:@std/expect@^1.0.0";
Deno.test("expect passes", async () => {
  expect(1 + 1).toBe(2);
  expect({ a: [1, 2] }).toEqual({ a: [1, 2] });
  expect([1, 2, 3]).toContain(2);
  expect("hello").toMatch(/ell/);
  expect(() => { throw new TypeError("bad"); }).toThrow(TypeError);
  expect({ a: 1, b: 2 }).toMatchObject({ a: 1 });
  expect(null).toBeNull();
  expect(3).not.toBe(4);
  await expect(Promise.resolve(5)).resolves.toBe(5);
  await expect(Promise.reject(new Error("no"))).rejects.toThrow("no");
  const f = fn((x: number) => x * 2);
  f(2);
  expect(f).toHaveBeenCalledWith(2);
  expect(f).toHaveBeenCalledTimes(1);
  expect([1, 2]).toHaveLength(2);
  expect({ a: { b: 1 } }).toHaveProperty("a.b", 1);
});
Deno.test("expect fails", () => {
  expect({ a: 1 }).toEqual({ a: 2 });
});
