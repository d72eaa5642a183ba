import "jsr:@supabase/functions-js/edge-runtime.d.ts"

const bootId = crypto.randomUUID()
let served = 0
console.log(`b booted ${bootId}`)

Deno.serve(() => {
  served++
  return Response.json({ fn: "b", served, bootId })
})
