// Run with `sbfn test` (or `deno test --allow-all`).
import { assertEquals } from "jsr:@std/assert@1";
import handler from "../__name__/index.ts";

const PUBLISHABLE_KEY = "sb_publishable_test";
const SECRET_KEY = "sb_secret_test";

// The keys withSupabase checks the apikey header against (`sbfn serve` and Supabase set
// these for every function).
Deno.env.set("SUPABASE_URL", "http://127.0.0.1:54321");
Deno.env.set("SUPABASE_PUBLISHABLE_KEYS", JSON.stringify({ default: PUBLISHABLE_KEY }));
Deno.env.set("SUPABASE_SECRET_KEYS", JSON.stringify({ default: SECRET_KEY }));

function call(headers: Record<string, string>): Promise<Response> {
  return handler.fetch(
    new Request("http://localhost/__name__", {
      method: "POST",
      headers: { "Content-Type": "application/json", ...headers },
      body: JSON.stringify({ name: "Functions" }),
    }),
  );
}

Deno.test("__name__ accepts the publishable and the secret key", async () => {
  for (const key of [PUBLISHABLE_KEY, SECRET_KEY]) {
    const response = await call({ apikey: key });
    assertEquals(response.status, 200);
    assertEquals(await response.json(), { message: "Hello Functions!" });
  }
});

Deno.test("__name__ refuses a request without a key", async () => {
  const response = await call({});
  assertEquals(response.status, 401);
  assertEquals(response.headers.get("x-supabase-server-error"), "MISSING_CREDENTIALS");
  assertEquals((await response.json()).code, "MISSING_CREDENTIALS");
});

Deno.test("__name__ refuses a key it does not know", async () => {
  const response = await call({ apikey: "sb_publishable_someone_else" });
  assertEquals(response.status, 401);
  assertEquals((await response.json()).code, "INVALID_API_KEY");
});
