// Proxies /proxy/<rest> to the upstream function of the same server with fetch, streaming
// the request body there and the answer back as it arrives.
Deno.serve(async (req) => {
  const url = new URL(req.url)
  const rest = url.pathname.replace(/^.*\/proxy/, "")
  const target = `http://${url.host}/functions/v1/upstream${rest}`
  const headers = new Headers()
  for (const name of ["authorization", "content-type"]) {
    const value = req.headers.get(name)
    if (value !== null) headers.set(name, value)
  }
  try {
    const upstream = await fetch(target, {
      method: req.method,
      headers,
      body: req.body,
      // @ts-ignore: Deno's RequestInit takes duplex for streamed bodies
      duplex: "half",
    })
    return new Response(upstream.body, {
      status: upstream.status,
      headers: { "content-type": upstream.headers.get("content-type") ?? "", "x-proxied-from": upstream.headers.get("x-upstream") ?? "" },
    })
  } catch (error) {
    console.log(`[proxy] ${error}`)
    return new Response(String(error), { status: 502 })
  }
})
