// Supabase's recommended test: call the served function with supabase-js.
import { createClient } from "npm:@supabase/supabase-js@2";

Deno.test("hello answers through supabase.functions.invoke", async () => {
  const supabase = createClient(Deno.env.get("SUPABASE_URL")!, Deno.env.get("SUPABASE_ANON_KEY")!, {
    auth: { persistSession: false, autoRefreshToken: false, detectSessionInUrl: false },
  });
  const { data, error } = await supabase.functions.invoke("hello", { body: { name: "Tests" } });
  if (error) throw error;
  const expected = { message: "Hello Tests!", authorized: true, client: true };
  if (JSON.stringify(data) !== JSON.stringify(expected)) {
    throw new Error(`got ${JSON.stringify(data)}`);
  }
});
