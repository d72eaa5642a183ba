Deno.serve(() => new Response("fine"));
