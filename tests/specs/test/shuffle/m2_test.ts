Deno.test("m2 test 1", () => {});
Deno.test("m2 test 2", () => {});
Deno.test("m2 test 3", () => {});
Deno.test("m2 test 4", () => {});
Deno.test("m2 test 5", () => {});
Deno.test("m2 test 6", () => {});
Deno.test("m2 test 7", () => {});
Deno.test("m2 test 8", () => {});
