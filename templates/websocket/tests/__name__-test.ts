// Run with `sbfn test` (or `deno test --allow-all`). A WebSocket needs a real HTTP
// connection, so this test serves the function on a free port and connects to it.
import { assertEquals } from "jsr:@std/assert@1";
import handler from "../__name__/index.ts";

Deno.test("__name__ echoes WebSocket messages", async () => {
  const server = Deno.serve({ hostname: "127.0.0.1", port: 0, onListen() {} }, handler.fetch);
  const socket = new WebSocket(`ws://127.0.0.1:${server.addr.port}/__name__`);
  const received: string[] = [];
  const closed = new Promise<void>((resolve) => socket.onclose = () => resolve());
  const done = new Promise<void>((resolve, reject) => {
    socket.onerror = () => reject(new Error("WebSocket error"));
    socket.onmessage = (event) => {
      received.push(event.data);
      if (event.data === "welcome") {
        socket.send("hi");
      } else {
        resolve();
      }
    };
  });
  try {
    await done;
    assertEquals(received, ["welcome", "echo: hi"]);
  } finally {
    socket.close();
    await closed;
    await server.shutdown();
  }
});

Deno.test("__name__ refuses a plain HTTP request", async () => {
  const response = await handler.fetch(new Request("http://localhost/__name__"));
  assertEquals(response.status, 426);
  assertEquals(response.headers.get("Upgrade"), "websocket");
  assertEquals(await response.text(), "Expected a WebSocket upgrade request");
});
