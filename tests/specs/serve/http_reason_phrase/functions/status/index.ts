// Any status, with the statusText the caller asks for (?s=546&t=...).
Deno.serve((req: Request) => {
  const url = new URL(req.url)
  const status = Number(url.searchParams.get("s") ?? "200")
  const statusText = url.searchParams.get("t") ?? undefined
  const init = statusText === undefined ? { status } : { status, statusText }
  if (url.searchParams.has("stream")) {
    const body = new ReadableStream({
      start(controller) {
        controller.enqueue(new TextEncoder().encode("streamed"))
        controller.close()
      },
    })
    return new Response(body, init)
  }
  return new Response("status " + status, init)
})
