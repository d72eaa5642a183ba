Deno.test("calls Deno.exit", () => {
  Deno.exit(3);
});
Deno.test("runs after it", () => {});
