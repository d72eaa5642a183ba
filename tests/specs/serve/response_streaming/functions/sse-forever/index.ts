// An endless event stream. When the client leaves, the body is cancelled, so the
// interval stops instead of producing for nobody (as in Deno).
Deno.serve(() => {
  let timer: number
  let n = 0
  const body = new ReadableStream({
    start(controller) {
      timer = setInterval(() => controller.enqueue(new TextEncoder().encode(`data: ${n++}\n\n`)), 20)
    },
    cancel(reason) {
      clearInterval(timer)
      console.log(`stream cancelled: ${reason?.name}`)
    },
  })
  return new Response(body, { headers: { "Content-Type": "text/event-stream" } })
})
