// A main service that answers by itself: what --inspect-main makes a target.
Deno.serve(() => new Response("main"));
