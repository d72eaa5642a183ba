// "1bad" does not match ^[A-Za-z][A-Za-z0-9_-]*$, so this is not a function.
Deno.serve(() => new Response("1bad must not be served"))
