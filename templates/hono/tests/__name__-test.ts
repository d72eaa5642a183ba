// Run with `sbfn test` (or `deno test --allow-all`).
import { assertEquals } from "jsr:@std/assert@1";
import handler from "../__name__/index.ts";

const base = "http://localhost/__name__";

Deno.test("__name__ routes a path parameter", async () => {
  const response = await handler.fetch(new Request(`${base}/hello/Ada`));
  assertEquals(response.status, 200);
  assertEquals(await response.json(), { message: "Hello Ada!" });
});

Deno.test("__name__ reads a JSON body", async () => {
  const response = await handler.fetch(
    new Request(`${base}/items`, {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify({ title: "Write a test" }),
    }),
  );
  assertEquals(response.status, 201);
  assertEquals(await response.json(), { created: { title: "Write a test" } });
});

Deno.test("__name__ answers 404 outside its routes", async () => {
  const response = await handler.fetch(new Request(`${base}/nowhere`));
  assertEquals(response.status, 404);
  assertEquals(await response.json(), { error: "No route for GET /__name__/nowhere" });
});
