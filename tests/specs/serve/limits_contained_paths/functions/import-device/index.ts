// /dev/zero never ends: it used to be read until 4 GB.
Deno.serve(async () => new Response(String(await import("/dev/zero"))))
