Deno.serve((req: Request) => {
  console.log(`path ${new URL(req.url).pathname}`)
  return new Response("hi")
})
