Deno.serve(() => new Response(String(new TextEncoder().encode("\u00e9".repeat(2 ** 27)).length)))
