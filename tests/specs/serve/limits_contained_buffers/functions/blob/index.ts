Deno.serve(() => new Response(String(new Blob(["\u00e9".repeat(2 ** 27)]).size)))
