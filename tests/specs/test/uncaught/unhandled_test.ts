Deno.test("rejects without a handler", async () => {
  Promise.reject(new RangeError("nobody handles this"));
  await new Promise((resolve) => setTimeout(resolve, 20));
});
