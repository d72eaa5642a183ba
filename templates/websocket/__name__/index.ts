// Setup type definitions for built-in Supabase Runtime APIs
import "jsr:@supabase/functions-js/edge-runtime.d.ts";

// A WebSocket echo. Server-side clients can send the Authorization header with the
// upgrade request. Browsers cannot set headers on a WebSocket: for them, set
// `verify_jwt = false` for this function in supabase/config.toml and check a token the
// page passes in the URL (`?jwt=...`) here instead.
export default {
  fetch(req: Request): Response {
    if (req.headers.get("upgrade")?.toLowerCase() !== "websocket") {
      return new Response("Expected a WebSocket upgrade request", {
        status: 426,
        headers: { Upgrade: "websocket" },
      });
    }

    const { socket, response } = Deno.upgradeWebSocket(req);
    socket.onopen = () => socket.send("welcome");
    socket.onmessage = (event) => {
      socket.send(typeof event.data === "string" ? `echo: ${event.data}` : event.data);
    };
    socket.onerror = (event) => console.error("WebSocket error:", event);
    return response;
  },
};

/* To invoke locally (after `sbfn serve`), from Deno or a browser console:

  const ws = new WebSocket("ws://127.0.0.1:54321/functions/v1/__name__");
  ws.onmessage = (event) => console.log(event.data);  // "welcome", then "echo: hi"
  ws.onopen = () => ws.send("hi");

*/
