import "jsr:@supabase/functions-js/edge-runtime.d.ts"

Deno.serve((req: Request) => {
  if (req.headers.get("upgrade")?.toLowerCase() !== "websocket") {
    return new Response("expected a websocket upgrade", { status: 400 })
  }
  const { socket, response } = Deno.upgradeWebSocket(req)
  socket.onmessage = (event) => socket.send(`echo: ${event.data}`)
  return response
})
