// Run with `sbfn test` (or `deno test --allow-all`).
import { assertEquals } from "jsr:@std/assert@1";
import handler from "../__name__/index.ts";

// withSupabase builds a Supabase client for every request, so it needs a project URL and
// keys (no request reaches them in these tests).
Deno.env.set("SUPABASE_URL", "http://127.0.0.1:54321");
Deno.env.set("SUPABASE_PUBLISHABLE_KEYS", JSON.stringify({ default: "sb_publishable_test" }));
Deno.env.set("SUPABASE_SECRET_KEYS", JSON.stringify({ default: "sb_secret_test" }));

Deno.test("__name__ greets anyone, no credentials needed", async () => {
  const response = await handler.fetch(
    new Request("http://localhost/__name__", {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify({ name: "Functions" }),
    }),
  );
  assertEquals(response.status, 200);
  assertEquals(await response.json(), { message: "Hello Functions!" });
});

Deno.test("__name__ answers CORS preflights", async () => {
  const response = await handler.fetch(
    new Request("http://localhost/__name__", { method: "OPTIONS" }),
  );
  assertEquals(response.status, 204);
  assertEquals(response.headers.get("Access-Control-Allow-Origin"), "*");
});
