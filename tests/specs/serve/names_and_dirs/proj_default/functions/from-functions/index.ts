Deno.serve(() => new Response("from functions/ must not be served when supabase/functions exists"))
