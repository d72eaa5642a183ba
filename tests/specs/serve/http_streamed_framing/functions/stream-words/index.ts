// A streamed body of known content, in three pieces.
Deno.serve(() => {
  const words = ["one", "two", "three"]
  const body = new ReadableStream({
    async pull(controller) {
      const word = words.shift()
      if (word === undefined) {
        controller.close()
        return
      }
      await new Promise((resolve) => setTimeout(resolve, 20))
      controller.enqueue(new TextEncoder().encode(word))
    },
  })
  return new Response(body, { headers: { "content-type": "text/plain" } })
})
