// Run with `sbfn test` (or `deno test --allow-all`).
import { assert, assertEquals } from "jsr:@std/assert@1";
import handler from "../__name__/index.ts";

const SECRET = "test-cron-secret";

function call(secret?: string): Promise<Response> {
  const headers: Record<string, string> = {};
  if (secret !== undefined) headers["X-Cron-Secret"] = secret;
  return handler.fetch(new Request("http://localhost/__name__", { method: "POST", headers }));
}

Deno.test("__name__ runs its job for the right secret", async () => {
  Deno.env.set("CRON_SECRET", SECRET);
  const response = await call(SECRET);
  assertEquals(response.status, 200);
  const body = await response.json();
  assertEquals(body.ok, true);
  assert(!Number.isNaN(Date.parse(body.ranAt)), `ranAt is a date: ${body.ranAt}`);
});

Deno.test("__name__ refuses a wrong or missing secret", async () => {
  Deno.env.set("CRON_SECRET", SECRET);
  for (const secret of ["wrong", `${SECRET}x`, SECRET.slice(0, -1), "", undefined]) {
    const response = await call(secret);
    assertEquals(response.status, 401, `secret ${secret}`);
    assertEquals(await response.json(), { error: "Unauthorized" });
  }
});

Deno.test("__name__ fails closed when CRON_SECRET is not set", async () => {
  Deno.env.delete("CRON_SECRET");
  const response = await call("anything");
  assertEquals(response.status, 500);
  assertEquals(await response.json(), { error: "CRON_SECRET is not set" });
});
