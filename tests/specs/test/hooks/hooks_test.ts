const log: string[] = [];
Deno.test.beforeAll(() => {
  log.push("beforeAll");
});
Deno.test.beforeEach(() => {
  log.push("beforeEach");
});
Deno.test.afterEach(() => {
  log.push("afterEach");
});
Deno.test.afterAll(() => {
  console.log(log.join(","));
});
Deno.test("first", () => {
  log.push("first");
});
Deno.test("second", () => {
  log.push("second");
});
