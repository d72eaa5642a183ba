Deno.serve(() => new Response("fast"))
