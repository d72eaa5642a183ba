// The server end: echoes every message back (text as text, bytes as bytes).
Deno.serve((req) => {
  const { socket, response } = Deno.upgradeWebSocket(req, { protocol: "echo.v1" });
  socket.onmessage = (event) => socket.send(event.data);
  return response;
});
