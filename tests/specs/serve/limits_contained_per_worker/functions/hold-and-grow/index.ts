// Buffers within the limit, then 100 MB of heap: each share fits in 256 MB on its
// own, together they do not. Before the one budget this answered 200.
Deno.serve(() => {
  const held = new Uint8Array(200 * 2 ** 20).fill(1)
  const grown: number[][] = []
  for (let i = 0; i < 125; i++) grown.push(new Array(100_000).fill(i + 0.5))
  return new Response(String(held.length + grown.length))
})
