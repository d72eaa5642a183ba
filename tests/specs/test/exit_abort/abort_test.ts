Deno.test("first", () => {});
Deno.test({ name: "exits the run", sanitizeExit: false, fn() {
  Deno.exit(7);
} });
Deno.test("never reached", () => {});
