Deno.test("leaks a timer", () => {
  setTimeout(() => {}, 60_000);
});

Deno.test("leaks an interval", () => {
  setInterval(() => {}, 60_000);
});

Deno.test("clears its timer", () => {
  const id = setTimeout(() => {}, 60_000);
  clearTimeout(id);
});

Deno.test({ name: "sanitizers off", sanitizeOps: false, sanitizeResources: false, fn() {
  setTimeout(() => {}, 60_000);
} });
