Deno.test("waits for what never comes", async () => {
  await new Promise(() => {});
});
Deno.test("runs after it", () => {});
