Deno.serve(() => new Response("hello from a user worker"));
