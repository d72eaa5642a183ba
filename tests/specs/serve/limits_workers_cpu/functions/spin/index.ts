import "jsr:@supabase/functions-js/edge-runtime.d.ts"

// A bug that never ends: the handler spins forever on the CPU.
Deno.serve((req: Request) => {
  console.log("spin: starting an endless loop")
  while (true) {}
  return new Response("unreachable")
})
