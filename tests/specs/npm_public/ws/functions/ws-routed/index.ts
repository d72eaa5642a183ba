import { createServer } from "node:http";
import { WebSocketServer } from "npm:ws@8.18.0";

// `ws` on its own ({ noServer: true }): the app routes the server's upgrade event itself,
// and refuses what it does not serve with an HTTP answer written on the socket.
const server = createServer((_req, res) => {
  res.writeHead(426, { "content-type": "text/plain" });
  res.end("upgrade required");
});
const wss = new WebSocketServer({ noServer: true });
wss.on("connection", (socket) => {
  socket.on("message", (data) => {
    if (String(data) === "bye") socket.close(4000, "asked to");
    else socket.send(String(data).toUpperCase());
  });
});
server.on("upgrade", (req, socket, head) => {
  if (req.url === "/ws-routed/live") {
    wss.handleUpgrade(req, socket, head, (ws) => wss.emit("connection", ws, req));
  } else {
    socket.write("HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\n\r\n");
    socket.destroy();
  }
});
server.listen(8080);
