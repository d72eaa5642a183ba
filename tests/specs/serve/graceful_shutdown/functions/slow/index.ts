// Takes 1.5 s to answer: long enough to be in flight when the server is told to stop.
Deno.serve(async (req: Request) => {
  const started = Date.now()
  console.log("slow request started")
  await new Promise((resolve) => setTimeout(resolve, 1500))
  return Response.json({ done: true, tookAtLeast: Date.now() - started >= 1400 })
})
