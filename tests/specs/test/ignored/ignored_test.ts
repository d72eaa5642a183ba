Deno.test("runs", () => {});
Deno.test({ name: "ignored by option", ignore: true, fn() {
  throw new Error("never runs");
} });
Deno.test.ignore("ignored by Deno.test.ignore", () => {
  throw new Error("never runs");
});
Deno.test("an ignored step", async (t) => {
  await t.step({ name: "skipped", ignore: true, fn: () => {} });
  await t.step("kept", () => {});
});
