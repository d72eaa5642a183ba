import WebSocket from "npm:ws@8.18.0";

// `ws` as a client (node:http's request with Upgrade: websocket), talking to the ws-routed
// function of the same server.
Deno.serve(async (req) => {
  const origin = new URL(req.url).origin.replace(/^http/, "ws");
  const socket = new WebSocket(`${origin}/ws-routed/live`);
  const replies: string[] = [];
  const closed = new Promise<number>((resolve, reject) => {
    socket.on("error", reject);
    socket.on("close", (code) => resolve(code));
  });
  socket.on("open", () => socket.send("from a ws client"));
  socket.on("message", (data) => {
    replies.push(String(data));
    socket.close(1000, "done");
  });
  const code = await closed;
  return Response.json({ replies, code });
});
