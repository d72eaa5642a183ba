import "jsr:@supabase/functions-js/edge-runtime.d.ts"

// Promise fork-bombs: work that never leaves the microtask queue, so no timer, no I/O
// and no other task of this worker ever runs again.
Deno.serve((req: Request) => {
  const mode = new URL(req.url).searchParams.get("mode")
  console.log(`bomb: ${mode}`)
  return new Promise<Response>(() => {
    if (mode === "chain") {
      // one reaction queues the next: an endless microtask chain, constant memory
      const again = () => {
        Promise.resolve().then(again)
      }
      again()
    } else if (mode === "fork") {
      // each reaction queues two: the queue doubles until memory runs out
      const fork = () => {
        Promise.resolve().then(fork)
        Promise.resolve().then(fork)
      }
      fork()
    } else if (mode === "async") {
      // the same through async functions, keeping every promise alive
      const kept: Promise<void>[] = []
      const spawn = async (): Promise<void> => {
        await null
        kept.push(spawn(), spawn())
      }
      kept.push(spawn())
    } else if (mode === "pending") {
      // unbounded pending promises, each holding a resolver, in a plain loop
      const kept: unknown[] = []
      while (true) {
        let resolve: unknown
        kept.push(new Promise((r) => (resolve = r)), resolve)
      }
    }
  })
})
