Deno.serve(() => new Response("still here"));
