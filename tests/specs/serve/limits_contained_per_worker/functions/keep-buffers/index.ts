// Buffers kept across requests add up against the one limit.
const kept: Uint8Array[] = []
Deno.serve(() => {
  kept.push(new Uint8Array(100 * 2 ** 20).fill(1))
  return new Response(String(kept.length))
})
