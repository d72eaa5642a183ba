// A function as a WebSocket client: it talks to `echo`, another function of the same
// server, and reports what happened.
Deno.serve(async (req) => {
  const target = `ws://${req.headers.get("host")}/functions/v1/echo`;
  const socket = new WebSocket(target, ["echo.v1", "echo.v0"]);
  socket.binaryType = "arraybuffer";
  await new Promise((resolve, reject) => {
    socket.onopen = resolve;
    socket.onerror = (event) => reject(new Error((event as ErrorEvent).message));
  });
  const replies: string[] = [];
  const closed = new Promise<CloseEvent>((resolve) => {
    socket.onmessage = (event) => {
      replies.push(typeof event.data === "string" ? event.data : `bytes ${new Uint8Array(event.data).join(",")}`);
      if (replies.length === 2) socket.close(3000, "bye");
    };
    socket.onclose = resolve;
  });
  socket.send("hello");
  socket.send(new Uint8Array([7, 8, 9]));
  const close = await closed;
  return Response.json({
    protocol: socket.protocol,
    replies,
    close: [close.code, close.wasClean],
    state: socket.readyState,
  });
});
