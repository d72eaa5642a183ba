Deno.serve(() => new Response("from supabase/functions"))
