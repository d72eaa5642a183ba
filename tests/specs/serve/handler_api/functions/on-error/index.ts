Deno.serve({
  onError(error: unknown): Response {
    const message = error instanceof Error ? error.message : String(error)
    return new Response(JSON.stringify({ handled: message }), {
      status: 418,
      headers: { "content-type": "application/json", "x-handled-by": "onError" },
    })
  },
}, (req: Request): Response => {
  if (new URL(req.url).searchParams.has("fine")) {
    return new Response("no error")
  }
  throw new RangeError("handler blew up")
})
