// Where Supabase's docs put function tests; the bare @std/assert comes from the project's
// deno.json (found from the working folder up, as deno test finds it).
import { assertEquals } from "@std/assert";
import { greet } from "../hello/handler.ts";

Deno.test("greets with the env file's greeting", () => {
  assertEquals(greet("Ada"), { message: "Hi Ada!" });
});

Deno.test("reads a fixture beside the project", async () => {
  const text = await Deno.readTextFile("supabase/functions/tests/fixture.json");
  assertEquals(JSON.parse(text), { ok: true });
});
