Deno.test("nothing to do with users", () => {});
