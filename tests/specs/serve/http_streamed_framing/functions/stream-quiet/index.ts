// Sends a head and one piece of body, then goes quiet for good: the request idle
// timeout fires after the head is out.
Deno.serve(() => {
  let sent = false
  const body = new ReadableStream({
    pull(controller) {
      if (!sent) {
        sent = true
        controller.enqueue(new TextEncoder().encode("first"))
        return
      }
      return new Promise(() => {})
    },
  })
  return new Response(body, { headers: { "content-type": "text/plain" } })
})
