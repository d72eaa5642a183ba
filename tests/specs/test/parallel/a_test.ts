Deno.test("a waits", async (t) => {
  await new Promise((resolve) => setTimeout(resolve, 200));
  await t.step("a step", () => {});
});
