// Setup type definitions for built-in Supabase Runtime APIs
import "jsr:@supabase/functions-js/edge-runtime.d.ts";
import { createClient } from "npm:@supabase/supabase-js@2";

// The table this function reads. Create it (and its Row Level Security policies) with a
// migration, e.g.:
//   create table todos (id bigint generated always as identity primary key, title text);
//   alter table todos enable row level security;
//   create policy "read own" on todos for select using (auth.uid() = user_id);
const TABLE = "todos";

export default {
  async fetch(req: Request): Promise<Response> {
    // SUPABASE_URL and SUPABASE_ANON_KEY are set by `sbfn serve` and by Supabase. The
    // caller's Authorization header is passed on, so the database sees the caller's role
    // and Row Level Security decides what they may read.
    const authorization = req.headers.get("Authorization");
    const supabase = createClient(
      Deno.env.get("SUPABASE_URL") ?? "",
      Deno.env.get("SUPABASE_ANON_KEY") ?? "",
      authorization ? { global: { headers: { Authorization: authorization } } } : {},
    );

    const { data, error } = await supabase.from(TABLE).select("*");
    if (error) {
      return Response.json({ error: error.message }, { status: 400 });
    }
    return Response.json({ [TABLE]: data });
  },
};

/* To invoke locally:

  1. Run `sbfn serve` (with a database behind SUPABASE_URL: `supabase start`)
  2. Make an HTTP request:

  curl -i --location 'http://127.0.0.1:54321/functions/v1/__name__' \
    --header 'Authorization: Bearer __anon_key__'

*/
