import "jsr:@supabase/functions-js/edge-runtime.d.ts"

// A Stripe-style webhook: `Stripe-Signature: t=<unix time>,v1=<hex HMAC-SHA256>` over
// "<t>.<raw body>", keyed with the endpoint secret. Verified with crypto.subtle, in constant
// time (subtle.verify), before the body is trusted.
const secret = Deno.env.get("STRIPE_WEBHOOK_SECRET") ?? ""
const encoder = new TextEncoder()
const keyPromise = crypto.subtle.importKey(
  "raw",
  encoder.encode(secret),
  { name: "HMAC", hash: "SHA-256" },
  false,
  ["verify"],
)

function fromHex(hex: string): Uint8Array | null {
  if (!/^([0-9a-f]{2})*$/.test(hex)) return null
  return new Uint8Array(hex.match(/../g)?.map((b) => parseInt(b, 16)) ?? [])
}

Deno.serve(async (req: Request) => {
  const body = await req.text()
  const header = req.headers.get("stripe-signature") ?? ""
  const parts = Object.fromEntries(header.split(",").map((p) => p.split("=", 2) as [string, string]))
  const timestamp = parts["t"]
  const signature = fromHex(parts["v1"] ?? "")
  if (!timestamp || !signature) {
    return new Response(JSON.stringify({ error: "missing or malformed Stripe-Signature" }), { status: 400 })
  }
  const valid = await crypto.subtle.verify("HMAC", await keyPromise, signature, encoder.encode(`${timestamp}.${body}`))
  if (!valid) {
    return new Response(JSON.stringify({ error: "invalid signature" }), { status: 400 })
  }
  const event = JSON.parse(body)
  console.log(`webhook ${event.type} ${event.id}`)
  return Response.json({ received: true, type: event.type })
})
