Deno.serve(() => new Response("existing"));
