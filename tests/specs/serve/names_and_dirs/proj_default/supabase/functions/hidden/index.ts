Deno.serve(() => new Response("hidden must not be served"))
