// On "flood", sends 256 MB in 64 KB messages at once, however slowly the client reads.
Deno.serve((req: Request) => {
  const { socket, response } = Deno.upgradeWebSocket(req)
  const piece = "x".repeat(65536)
  socket.onmessage = (event) => {
    if (event.data === "flood") {
      for (let i = 0; i < 4096; i++) socket.send(piece)
    } else {
      socket.send("echo: " + event.data)
    }
  }
  return response
})
