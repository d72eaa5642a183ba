// Answers at once and finishes its work afterwards, kept alive by EdgeRuntime.waitUntil.
Deno.serve((req: Request) => {
  const id = new URL(req.url).searchParams.get("id") ?? "none"
  EdgeRuntime.waitUntil(
    new Promise<void>((resolve) =>
      setTimeout(() => {
        console.log(`background task ${id} finished`)
        resolve()
      }, 300)
    ),
  )
  return new Response(`accepted ${id}`, { status: 202 })
})
