// A WebSocket echo, the way Supabase's docs write one with Deno.upgradeWebSocket.
Deno.serve((req: Request) => {
  const upgrade = req.headers.get("upgrade") ?? ""
  if (upgrade.toLowerCase() !== "websocket") {
    return new Response("request isn't trying to upgrade to websocket.", { status: 400 })
  }
  const { socket, response } = Deno.upgradeWebSocket(req)
  socket.binaryType = "arraybuffer"
  socket.onopen = () => {
    console.log("socket opened")
    socket.send("welcome")
  }
  socket.onmessage = (event: MessageEvent) => {
    if (typeof event.data === "string") {
      socket.send(`echo: ${event.data}`)
    } else {
      socket.send(event.data as ArrayBuffer)
    }
  }
  socket.onerror = (event: Event) => console.log("socket error:", (event as ErrorEvent).message)
  socket.onclose = (event: CloseEvent) => console.log(`socket closed: ${event.code} ${event.reason}`)
  return response
})
