import "jsr:@supabase/functions-js/edge-runtime.d.ts"

// The sibling: answers at once, whatever its neighbour does.
Deno.serve(() => new Response("healthy sibling", { headers: { "content-type": "text/plain" } }))
