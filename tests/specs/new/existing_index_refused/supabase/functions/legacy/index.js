Deno.serve(() => new Response("js"));
