Deno.test("before", () => {});
Deno.test("a timer's promise rejects while this test waits", async () => {
  setTimeout(() => {
    Promise.resolve().then(() => {
      throw new Error("thrown in a timer's promise");
    });
  }, 1);
  await new Promise((resolve) => setTimeout(resolve, 50));
});
Deno.test("after", () => {});
