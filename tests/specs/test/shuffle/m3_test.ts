Deno.test("m3 test 1", () => {});
Deno.test("m3 test 2", () => {});
Deno.test("m3 test 3", () => {});
Deno.test("m3 test 4", () => {});
Deno.test("m3 test 5", () => {});
Deno.test("m3 test 6", () => {});
Deno.test("m3 test 7", () => {});
Deno.test("m3 test 8", () => {});
