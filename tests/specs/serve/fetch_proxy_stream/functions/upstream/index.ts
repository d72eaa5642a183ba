// The upstream: /ticks streams four pieces 150 ms apart; /echo answers the request body.
Deno.serve((req) => {
  const path = new URL(req.url).pathname
  if (path.endsWith("/echo")) {
    return new Response(req.body, { headers: { "content-type": "text/plain", "x-upstream": "echo" } })
  }
  const encoder = new TextEncoder()
  let timer: number | undefined
  const body = new ReadableStream<Uint8Array>({
    start(controller) {
      let n = 0
      timer = setInterval(() => {
        n += 1
        controller.enqueue(encoder.encode(`tick ${n}\n`))
        if (n === 4) {
          clearInterval(timer)
          controller.close()
        }
      }, 150)
    },
    cancel() {
      clearInterval(timer)
    },
  })
  return new Response(body, { headers: { "content-type": "text/plain", "x-upstream": "ticks" } })
})
