Deno.test("passes", () => {});
Deno.test.ignore("ignored", () => {});
Deno.test("steps", async (t) => {
  await t.step("ok step", () => {});
  await t.step({ name: "ignored step", ignore: true, fn: () => {} });
  await t.step("failing step", () => Promise.reject("step failed"));
});
Deno.test("fails & <escapes>", () => {
  throw new Error(`expected "a" & 'b'`);
});
