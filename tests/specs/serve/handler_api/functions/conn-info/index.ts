// Deno.serve's second argument: who is calling, and when the response has gone out.
Deno.serve((req: Request, info: Deno.ServeHandlerInfo) => {
  const addr = info.remoteAddr as Deno.NetAddr
  info.completed.then(() => console.log(`completed ${new URL(req.url).search}`))
  return Response.json({ transport: addr.transport, hostname: addr.hostname, portIsNumber: Number.isInteger(addr.port) && addr.port > 0 })
})
