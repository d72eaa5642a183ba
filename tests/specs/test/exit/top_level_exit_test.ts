Deno.test("never registered", () => {});
Deno.exit(2);
