import { createServer } from "node:http";
import { WebSocketServer } from "npm:ws@8.18.0";

// `ws` attached to a Node server ({ server }): it takes the server's upgrade requests.
const server = createServer((_req, res) => {
  res.writeHead(200, { "content-type": "text/plain" });
  res.end("plain http");
});
const wss = new WebSocketServer({ server });
wss.on("connection", (socket, req) => {
  socket.send(`hello ${req.url}`);
  socket.on("message", (data, isBinary) => {
    socket.send(isBinary ? data : `echo: ${data}`, { binary: isBinary });
  });
});
server.listen(8080);
