import "jsr:@supabase/functions-js/edge-runtime.d.ts"
import { message } from "../_shared/msg.ts"

const bootId = crypto.randomUUID()
let served = 0
console.log(`a booted ${bootId}`)

Deno.serve(() => {
  served++
  return Response.json({ fn: "a", version: 1, message, served, bootId })
})
