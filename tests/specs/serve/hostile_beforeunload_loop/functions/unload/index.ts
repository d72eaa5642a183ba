import "jsr:@supabase/functions-js/edge-runtime.d.ts"

// A function whose beforeunload and unload listeners never return: whoever fires them
// (the runtime retiring or ending this worker, or the function itself) must not be
// held up by them, and neither may anybody else.
addEventListener("beforeunload", (event) => {
  console.log(`unload: beforeunload (${(event as CustomEvent).detail?.reason}), looping forever`)
  while (true) {}
})
addEventListener("unload", () => {
  console.log("unload: unload, looping forever")
  while (true) {}
})

let served = 0
Deno.serve((req: Request) => {
  const mode = new URL(req.url).searchParams.get("mode")
  if (mode === "burn") {
    // a second of busy wall-clock time: well past the 300 ms soft CPU limit even on a
    // loaded machine, under the 2 s hard one; the worker is retired
    const until = performance.now() + 1000
    while (performance.now() < until) {}
  } else if (mode === "dispatch") {
    console.log("unload: dispatching beforeunload itself")
    dispatchEvent(new CustomEvent("beforeunload", { detail: { reason: "early_drop" } }))
  }
  served += 1
  return new Response(`unload served ${served}`)
})
