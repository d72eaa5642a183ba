// _shared is never a function, even with an index.ts in it.
Deno.serve(() => new Response("_shared must not be served"))
