Deno.test("b1 fails", () => {
  throw new Error("b1");
});
