Deno.serve(() => new Response("a v1"));
