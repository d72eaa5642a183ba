Deno.test("a1 passes", () => {});
Deno.test("a2 fails", () => {
  throw new Error("a2");
});
Deno.test("a3 fails", () => {
  throw new Error("a3");
});
Deno.test("a4 passes", () => {});
