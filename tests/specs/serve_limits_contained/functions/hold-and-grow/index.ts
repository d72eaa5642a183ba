// Buffers within the limit, then a heap that grows past what is left of it.
Deno.serve(() => {
  const held = new Uint8Array(200 * 2 ** 20).fill(1)
  const grown: number[][] = []
  for (;;) grown.push(new Array(100_000).fill(held.length))
})
