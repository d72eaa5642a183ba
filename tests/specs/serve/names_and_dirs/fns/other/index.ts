Deno.serve(() => new Response("other answers"))
