// Run with `sbfn test` (or `deno test --allow-all`).
import { assertEquals } from "jsr:@std/assert@1";
import handler from "../__name__/index.ts";
import { corsHeaders } from "../_shared/cors.ts";

const url = "http://localhost/__name__";

function assertCors(response: Response) {
  for (const [name, value] of Object.entries(corsHeaders)) {
    assertEquals(response.headers.get(name), value, name);
  }
}

Deno.test("__name__ answers the browser's preflight", async () => {
  const response = await handler.fetch(
    new Request(url, {
      method: "OPTIONS",
      headers: {
        Origin: "http://localhost:3000",
        "Access-Control-Request-Method": "POST",
        "Access-Control-Request-Headers": "authorization, content-type",
      },
    }),
  );
  assertEquals(response.status, 200);
  assertEquals(await response.text(), "ok");
  assertCors(response);
});

Deno.test("__name__ answers with CORS headers", async () => {
  const response = await handler.fetch(
    new Request(url, {
      method: "POST",
      headers: { Origin: "http://localhost:3000", "Content-Type": "application/json" },
      body: JSON.stringify({ name: "Functions" }),
    }),
  );
  assertEquals(response.status, 200);
  assertCors(response);
  assertEquals(await response.json(), { message: "Hello Functions!" });
});

Deno.test("__name__ errors carry CORS headers too", async () => {
  const response = await handler.fetch(new Request(url, { method: "POST", body: "{" }));
  assertEquals(response.status, 400);
  assertCors(response);
  await response.body?.cancel();
});
