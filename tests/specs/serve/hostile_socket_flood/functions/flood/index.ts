import "jsr:@supabase/functions-js/edge-runtime.d.ts"

// A function opening thousands of connections to a host that never answers, and keeping
// them: with Deno.connect, node:net, and fetch.
import net from "node:net"

const target = new URL("__UPSTREAM_tarpit__")
const port = Number(target.port)
const WANT = 5000

// Keeps what was opened for a while, so the case can call the sibling meanwhile.
async function hold(count: number) {
  console.log(`flood: holding ${count}`)
  await new Promise((resolve) => setTimeout(resolve, 2000))
}

Deno.serve(async (req: Request) => {
  const mode = new URL(req.url).searchParams.get("mode")
  console.log(`flood: ${mode}`)
  if (mode === "connect") {
    const kept: Deno.Conn[] = []
    let error = ""
    for (let i = 0; i < WANT; i++) {
      try {
        kept.push(await Deno.connect({ hostname: "127.0.0.1", port }))
      } catch (e) {
        error = `${(e as Error).name}: ${(e as Error).message}`
        break
      }
    }
    const opened = kept.length
    await hold(opened)
    for (const conn of kept) conn.close()
    return Response.json({ opened, error })
  }
  if (mode === "uncaught") {
    // the refusal unhandled: the request fails with it (the sockets stay open until the
    // worker ends, as unclosed resources do in Deno)
    while (true) await Deno.connect({ hostname: "127.0.0.1", port })
  }
  if (mode === "websocket") {
    // WebSocket clients whose handshake is never answered
    const sockets: WebSocket[] = []
    let refused = 0
    for (let i = 0; i < WANT; i++) {
      const socket = new WebSocket(`ws://127.0.0.1:${port}/`)
      socket.onerror = (event) => {
        if ((event as ErrorEvent).message.includes("Too many open files")) refused += 1
      }
      sockets.push(socket)
    }
    await hold(WANT)
    for (const socket of sockets) socket.close()
    return Response.json({ refused })
  }
  if (mode === "node") {
    const kept: net.Socket[] = []
    let error = ""
    for (let i = 0; i < WANT && !error; i++) {
      await new Promise<void>((resolve) => {
        const socket = net.connect(port, "127.0.0.1", () => {
          kept.push(socket)
          resolve()
        })
        socket.on("error", (e) => {
          error = `${(e as NodeJS.ErrnoException).code}: ${e.message}`
          resolve()
        })
      })
    }
    const opened = kept.length
    await hold(opened)
    for (const socket of kept) socket.destroy()
    return Response.json({ opened, error })
  }
  if (mode === "fetch") {
    // all at once; none will ever be answered
    const controller = new AbortController()
    const pending = Array.from({ length: WANT }, () =>
      fetch(target, { signal: controller.signal }).then(
        () => "answered",
        (e) => (e as Error).name,
      ))
    await hold(WANT)
    controller.abort()
    const outcomes: Record<string, number> = {}
    for (const outcome of await Promise.all(pending)) outcomes[outcome] = (outcomes[outcome] ?? 0) + 1
    return Response.json(outcomes)
  }
  return new Response("unknown mode", { status: 400 })
})
