// A function that survives its own stray errors: listeners that call preventDefault()
// keep the worker (and its state) alive, as in Deno.
let served = 0
let caught = 0

addEventListener("unhandledrejection", (event) => {
  caught++
  console.log(`unhandledrejection prevented: ${event.reason.message}`)
  event.preventDefault()
})

addEventListener("error", (event) => {
  caught++
  console.log(`error prevented: ${event.error.message}`)
  event.preventDefault()
})

Deno.serve((req: Request) => {
  served++
  const url = new URL(req.url)
  if (url.searchParams.has("reject")) {
    // Fire-and-forget work whose failure nobody awaits.
    Promise.reject(new Error(`audit log write failed ${served}`))
  }
  if (url.searchParams.has("throw")) {
    setTimeout(() => {
      throw new Error(`background job crashed ${served}`)
    }, 0)
  }
  return Response.json({ served, caught })
})
