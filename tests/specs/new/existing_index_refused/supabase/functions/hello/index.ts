// my own function
Deno.serve(() => new Response("mine"));
