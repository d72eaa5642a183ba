// Wasm memory is allocated by V8 itself, not through the ArrayBuffer allocator: it is
// measured after each garbage collection, with the heap.
Deno.serve(() => {
  const memory = new WebAssembly.Memory({ initial: 4096 }) // 256 MB
  new Uint8Array(memory.buffer).fill(1)
  const garbage: { i: number }[] = []
  for (let i = 0; i < 1e6; i++) garbage.push({ i })
  return new Response(String(memory.buffer.byteLength + garbage.length))
})
