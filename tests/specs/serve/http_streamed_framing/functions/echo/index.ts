// Reads the whole body and says what came.
Deno.serve(async (req: Request) => {
  const text = await req.text()
  return Response.json({ method: req.method, text })
})
