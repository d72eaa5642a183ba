Deno.serve(() => new Response("no token needed"));
