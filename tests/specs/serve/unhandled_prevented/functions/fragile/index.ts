// No listeners: a stray rejection or an uncancelled reportError() ends the worker, as in
// Deno (the next request starts a fresh one, so the counter starts over).
let served = 0

Deno.serve((req: Request) => {
  served++
  const url = new URL(req.url)
  if (url.searchParams.has("reject")) {
    Promise.reject(new Error(`stray rejection ${served}`))
  }
  if (url.searchParams.has("report")) {
    setTimeout(() => {
      reportError(new Error(`reported ${served}`))
      console.log("not reached: reportError ended the worker")
    }, 0)
  }
  return Response.json({ served })
})
