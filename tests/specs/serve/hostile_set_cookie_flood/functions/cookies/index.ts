import "jsr:@supabase/functions-js/edge-runtime.d.ts"

// Set-Cookie floods: many cookies, or one large value repeated (cheap in the function's
// heap, where every header shares the one string, but each header a copy on the way out).
Deno.serve((req: Request) => {
  const params = new URL(req.url).searchParams
  const count = Number(params.get("count") ?? "1")
  const size = Number(params.get("size") ?? "8")
  const streamed = params.has("streamed")
  console.log(`cookies: ${count} of ${size} bytes${streamed ? " (streamed)" : ""}`)
  const value = "v".repeat(size)
  const headers = new Headers()
  for (let i = 0; i < count; i++) headers.append("set-cookie", `c${i}=${value}; Path=/; HttpOnly`)
  const body = streamed
    ? new ReadableStream({ start(c) { c.enqueue(new TextEncoder().encode("streamed")); c.close() } })
    : `${count} cookies`
  return new Response(body, { headers })
})
