import "jsr:@supabase/functions-js/edge-runtime.d.ts"

// (module (memory (export "mem") 1)
//   (func (export "grow") (param i32) (result i32) local.get 0 memory.grow))
const bytes = new Uint8Array([
  0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00,
  0x01, 0x06, 0x01, 0x60, 0x01, 0x7f, 0x01, 0x7f,
  0x03, 0x02, 0x01, 0x00,
  0x05, 0x03, 0x01, 0x00, 0x01,
  0x07, 0x0e, 0x02, 0x03, 0x6d, 0x65, 0x6d, 0x02, 0x00, 0x04, 0x67, 0x72, 0x6f, 0x77, 0x00, 0x00,
  0x0a, 0x08, 0x01, 0x06, 0x00, 0x20, 0x00, 0x40, 0x00, 0x0b,
])
const module = new WebAssembly.Module(bytes)
const PAGE = 65536

Deno.serve((req: Request) => {
  const mode = new URL(req.url).searchParams.get("mode")
  console.log(`grow: ${mode}`)
  if (mode === "small") {
    // within the limit: 8 MB, written to at its end
    const instance = new WebAssembly.Instance(module)
    const exports = instance.exports as { grow(pages: number): number; mem: WebAssembly.Memory }
    const before = exports.grow(127)
    new Uint8Array(exports.mem.buffer)[128 * PAGE - 1] = 1
    return Response.json({ before, pages: exports.mem.buffer.byteLength / PAGE })
  }
  if (mode === "instruction") {
    // memory.grow from inside Wasm, 1 MB at a time, touching every new page
    const instance = new WebAssembly.Instance(module)
    const exports = instance.exports as { grow(pages: number): number; mem: WebAssembly.Memory }
    let grown = 0
    while (exports.grow(16) !== -1) {
      const view = new Uint8Array(exports.mem.buffer)
      for (let at = view.length - 16 * PAGE; at < view.length; at += 4096) view[at] = 1
      grown += 16
    }
    return Response.json({ refusedAfterPages: grown })
  }
  if (mode === "js") {
    // WebAssembly.Memory.prototype.grow from JavaScript, 16 MB at a time
    const memory = new WebAssembly.Memory({ initial: 1 })
    let grown = 0
    while (true) {
      memory.grow(256)
      grown += 256
      new Uint8Array(memory.buffer).fill(1, memory.buffer.byteLength - 256 * PAGE)
    }
  }
  if (mode === "many") {
    // many small memories, each with its own (large) address-space reservation
    const kept: WebAssembly.Memory[] = []
    while (true) {
      const memory = new WebAssembly.Memory({ initial: 16 })
      new Uint8Array(memory.buffer)[0] = 1
      kept.push(memory)
    }
  }
  return new Response("unknown mode", { status: 400 })
})
