Deno.serve(() => new Response("other"));
