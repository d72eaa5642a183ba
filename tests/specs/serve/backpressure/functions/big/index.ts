// Streams ?mb= megabytes as fast as the stream is read, in 64 KB pieces.
Deno.serve((req: Request) => {
  const megabytes = Number(new URL(req.url).searchParams.get("mb") ?? "1")
  let left = megabytes * 16
  const body = new ReadableStream({
    pull(controller) {
      if (left-- <= 0) {
        controller.close()
        return
      }
      controller.enqueue(new Uint8Array(65536).fill(120))
    },
    cancel() {
      console.log("big: the client left, stream cancelled")
    },
  })
  return new Response(body, { headers: { "content-type": "application/octet-stream" } })
})
