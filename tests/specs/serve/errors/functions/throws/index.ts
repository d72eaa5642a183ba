import "jsr:@supabase/functions-js/edge-runtime.d.ts"

interface Order { id: number; total: number }

function checkOrder(order: Order): number {
  if (order.total < 0) {
    throw new Error(`order ${order.id} has a negative total`)
  }
  return order.total
}

Deno.serve(async (req: Request): Promise<Response> => {
  const url = new URL(req.url)
  const mode = url.searchParams.get("mode")
  if (mode === "ok") {
    return Response.json({ ok: true, survived: true })
  }
  if (mode === "async") {
    await new Promise((resolve) => setTimeout(resolve, 20))
    throw new TypeError("async failure after an await")
  }
  const total: number = checkOrder({ id: 7, total: -1 })
  return Response.json({ total })
})
