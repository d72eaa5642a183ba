import "jsr:@supabase/functions-js/edge-runtime.d.ts"

Deno.serve(() => new Response("healthy sibling"))
