import "jsr:@supabase/functions-js/edge-runtime.d.ts"

// Burns about 400 ms of CPU, then answers: past a 200 ms soft limit, under the hard one.
const bootId = crypto.randomUUID()
let served = 0

Deno.serve((req: Request) => {
  served++
  if (new URL(req.url).searchParams.has("burn")) {
    const until = performance.now() + 400
    let x = 0
    while (performance.now() < until) x += Math.sqrt(x + 1)
  }
  return Response.json({ served, bootId })
})
