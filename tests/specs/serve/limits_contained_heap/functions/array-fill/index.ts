// A sparse array this long is filled element by element inside V8, allocating ~500 MB
// at once midway: it used to end the server with "Fatal javascript OOM".
Deno.serve(() => new Response(String(new Array(6e7).fill(0).length)))
