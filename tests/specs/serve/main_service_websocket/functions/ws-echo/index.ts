// A WebSocket echo, the way Supabase's docs write one with Deno.upgradeWebSocket.
Deno.serve((req: Request) => {
  if ((req.headers.get("upgrade") ?? "").toLowerCase() !== "websocket") {
    return new Response("request isn't trying to upgrade to websocket.", { status: 400 });
  }
  const { socket, response } = Deno.upgradeWebSocket(req);
  socket.binaryType = "arraybuffer";
  socket.onopen = () => socket.send("welcome from the user worker");
  socket.onmessage = (event: MessageEvent) => {
    socket.send(typeof event.data === "string" ? `echo: ${event.data}` : event.data);
  };
  socket.onclose = (event: CloseEvent) =>
    console.log(`ws-echo: socket closed: ${event.code} ${event.reason}`);
  return response;
});
