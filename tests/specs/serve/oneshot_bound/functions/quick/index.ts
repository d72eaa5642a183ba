Deno.serve(() => new Response("quick"));
