// A 512 MB specifier: resolving it took 50 s and 3 GB, then a fatal error.
Deno.serve(async () => new Response(String(await import("./" + "a".repeat(2 ** 29 - 34)))))
