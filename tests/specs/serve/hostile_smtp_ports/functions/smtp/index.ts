import "jsr:@supabase/functions-js/edge-runtime.d.ts"

// Outbound SMTP (ports 25 and 587) by every way a function can open a connection; each
// attempt reports the error it got. The target is a local mail server the case starts
// on another port, so the ports are the only reason for a refusal.
import net from "node:net"

const redirector = "__UPSTREAM_redirector__"

async function outcome(attempt: () => Promise<unknown>): Promise<string> {
  try {
    await attempt()
    return "connected"
  } catch (e) {
    return `${(e as Error).name}: ${(e as Error).message}`
  }
}

Deno.serve(async (req: Request) => {
  if (new URL(req.url).searchParams.has("uncaught")) {
    await Deno.connect({ hostname: "127.0.0.1", port: 25 })
    return new Response("unreachable")
  }
  const results: Record<string, string> = {}
  for (const port of [25, 587]) {
    results[`connect${port}`] = await outcome(() => Deno.connect({ hostname: "127.0.0.1", port }))
    results[`connectTls${port}`] = await outcome(() => Deno.connectTls({ hostname: "127.0.0.1", port }))
    results[`fetch${port}`] = await outcome(() => fetch(`http://127.0.0.1:${port}/`))
    results[`websocket${port}`] = await outcome(async () => new WebSocket(`ws://127.0.0.1:${port}/`))
    results[`node${port}`] = await outcome(() =>
      new Promise((resolve, reject) => {
        const socket = net.connect(port, "127.0.0.1", () => resolve(socket))
        socket.on("error", reject)
      }))
  }
  // a redirect to the mail port must not get around the rule
  results.fetchRedirect = await outcome(() => fetch(`${redirector}/to-smtp`))
  return Response.json(results)
})
