// Counts the requests one worker served: a reused worker goes on, a new one starts at 1.
let served = 0;
Deno.serve(() => new Response(String(++served)));
