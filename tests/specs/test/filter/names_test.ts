Deno.test("user creates an order", () => {});
Deno.test("user deletes an order", () => {});
Deno.test("admin lists orders", () => {});
Deno.test("health", () => {});
