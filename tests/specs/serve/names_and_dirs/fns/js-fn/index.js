// Plain JavaScript functions work too.
Deno.serve(() => new Response("js-fn answers"))
