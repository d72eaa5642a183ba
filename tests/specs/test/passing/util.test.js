// Found by its name too (*.test.js), and run after math_test.ts (sorted paths).
Deno.test("js module", () => {});
