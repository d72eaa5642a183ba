Deno.test("not focused", () => {});
Deno.test.only("focused", () => {});
Deno.test({ name: "focused too", only: true, fn() {} });
