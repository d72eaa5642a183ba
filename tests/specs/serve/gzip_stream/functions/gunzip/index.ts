// Streams a gzip request body through DecompressionStream (and TextDecoderStream, so
// characters split across chunks are joined) without buffering the compressed body.
function expectedText() {
  let text = ""
  for (let i = 0; i < 3000; i++) text += `line ${i}: ${"abcdefghij"[i % 10].repeat(i % 37)} ü€😀\n`
  return text
}

Deno.serve(async (req: Request) => {
  const text = req.body!.pipeThrough(new DecompressionStream("gzip")).pipeThrough(new TextDecoderStream())
  let out = ""
  try {
    for await (const piece of text) out += piece
  } catch (e) {
    return Response.json({ error: (e as Error).constructor.name }, { status: 400 })
  }
  if (new URL(req.url).pathname.endsWith("/check")) {
    return Response.json({ same: out === expectedText(), characters: out.length, lines: out.split("\n").length - 1 })
  }
  return new Response(out)
})
