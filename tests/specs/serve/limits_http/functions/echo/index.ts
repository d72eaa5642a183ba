Deno.serve(async (req: Request) => {
  const body = new Uint8Array(await req.arrayBuffer())
  return Response.json({
    method: req.method,
    bodyBytes: body.byteLength,
    bigHeaderLength: req.headers.get("x-big")?.length ?? 0,
  })
})
