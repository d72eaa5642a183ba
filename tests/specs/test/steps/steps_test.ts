Deno.test("nested steps", async (t) => {
  await t.step("level 1", async (t) => {
    await t.step("level 2", async (t) => {
      await t.step("level 3", () => {});
    });
  });
  await t.step({ name: "with options", sanitizeOps: false, fn: () => {} });
});

Deno.test("a failing step fails its test", async (t) => {
  const passed = await t.step("fails", () => {
    throw new RangeError("out of range");
  });
  if (passed) throw new Error("t.step should have returned false");
  await t.step("still runs", () => {});
});

Deno.test("a step not awaited", (t) => {
  t.step("left running", async () => {
    await new Promise((resolve) => setTimeout(resolve, 10));
  });
});

Deno.test("context", async (t) => {
  if (t.name !== "context") throw new Error(`t.name is ${t.name}`);
  if (t.origin !== import.meta.url) throw new Error(`t.origin is ${t.origin}`);
  await t.step("child", (child) => {
    if (child.parent !== t) throw new Error("child.parent is not t");
  });
});
