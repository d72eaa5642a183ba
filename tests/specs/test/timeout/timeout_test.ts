Deno.test({ name: "waits too long", timeout: 50, fn: async () => {
  await new Promise((resolve) => setTimeout(resolve, 5_000));
}, sanitizeOps: false });

Deno.test("busy too long", { timeout: 50 }, () => {
  const end = Date.now() + 2_000;
  while (Date.now() < end) {
    // a loop that never yields: stopped when its time is up
  }
});

Deno.test("runs after them", () => {});
