import "jsr:@supabase/functions-js/edge-runtime.d.ts"

// Tells the caller exactly what the function saw.
Deno.serve(async (req: Request) => {
  const url = new URL(req.url)
  if (url.pathname.endsWith("/bytes")) {
    // Binary round trip: the body comes back byte for byte.
    const bytes = new Uint8Array(await req.arrayBuffer())
    return new Response(bytes, {
      headers: {
        "content-type": req.headers.get("content-type") ?? "application/octet-stream",
        "x-byte-length": String(bytes.byteLength),
      },
    })
  }
  if (url.pathname.endsWith("/latin1")) {
    // Header values are ByteStrings: one character per byte, both ways (as in Deno).
    const value = req.headers.get("x-latin") ?? ""
    const codes = [...value].map((c) => c.charCodeAt(0))
    return Response.json({ value, codes }, { headers: { "x-echo": value } })
  }
  const body = await req.text()
  let parsed: unknown = null
  if (req.headers.get("content-type")?.includes("application/json") && body) {
    parsed = JSON.parse(body)
  }
  return Response.json({
    method: req.method,
    url: req.url,
    path: url.pathname,
    search: url.search,
    query: Object.fromEntries(url.searchParams),
    headers: Object.fromEntries(req.headers),
    body,
    bodyLength: body.length,
    json: parsed,
  })
})
