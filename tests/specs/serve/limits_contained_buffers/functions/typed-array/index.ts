// 2 GB outside the heap, which the heap limit alone never saw.
Deno.serve(() => new Response(String(new Uint8Array(2 ** 31).fill(1).length)))
