// A passing module: plain tests, an options object, a named function, steps (nested, one
// ignored) and console output, which the report shows between markers.
function add(a: number, b: number): number {
  return a + b;
}

Deno.test("adds numbers", () => {
  if (add(1, 2) !== 3) throw new Error("1 + 2 should be 3");
});

Deno.test({ name: "with an options object", fn: async () => {
  await new Promise((resolve) => setTimeout(resolve, 5));
} });

Deno.test(function namedFunction() {});

Deno.test("with steps", async (t) => {
  await t.step("first", () => {});
  await t.step("second", async (t) => {
    await t.step("nested", () => {});
  });
});

Deno.test("prints", () => {
  console.log("hello from a test");
  console.error("and from stderr");
});
