import "jsr:@supabase/functions-js/edge-runtime.d.ts"

// Burns CPU for 1.5 s of wall time, then answers: past a 200 ms soft limit even on a
// busy machine (CPU time is what the limit counts), under the 5 s hard one.
const bootId = crypto.randomUUID()
let served = 0

Deno.serve((req: Request) => {
  served++
  if (new URL(req.url).searchParams.has("burn")) {
    const until = performance.now() + 1500
    let x = 0
    while (performance.now() < until) x += Math.sqrt(x + 1)
  }
  return Response.json({ served, bootId })
})
