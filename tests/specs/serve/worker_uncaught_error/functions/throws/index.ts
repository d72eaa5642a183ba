import "jsr:@supabase/functions-js/edge-runtime.d.ts"

let served = 0

Deno.serve((req: Request) => {
  served++
  if (new URL(req.url).searchParams.has("fail")) {
    throw new Error(`payment provider rejected request ${served}`)
  }
  return Response.json({ served })
})
