import "jsr:@supabase/functions-js/edge-runtime.d.ts"

// Module-level state lives as long as the worker does.
let count = 0
console.log("counter module evaluated")

Deno.serve(() => {
  count++
  return Response.json({ count })
})
