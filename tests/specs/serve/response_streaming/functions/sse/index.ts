// Server-Sent Events: each event is written when it is produced, 150 ms apart.
Deno.serve((_req) => {
  const encoder = new TextEncoder()
  let timer: number | undefined
  const body = new ReadableStream<Uint8Array>({
    start(controller) {
      let n = 0
      timer = setInterval(() => {
        n += 1
        controller.enqueue(encoder.encode(`id: ${n}\ndata: {"tick":${n}}\n\n`))
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
  return new Response(body, {
    headers: {
      "Content-Type": "text/event-stream",
      "Cache-Control": "no-cache",
    },
  })
})
