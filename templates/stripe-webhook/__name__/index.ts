// Setup type definitions for built-in Supabase Runtime APIs
import "jsr:@supabase/functions-js/edge-runtime.d.ts";

// Stripe calls this endpoint with no Supabase JWT, so supabase/config.toml has
// `verify_jwt = false` for it; the Stripe-Signature header proves the request came from
// Stripe instead. Env: STRIPE_WEBHOOK_SECRET (the endpoint's `whsec_...` signing secret);
// STRIPE_SIGNATURE_TOLERANCE_SECONDS (how old a signature may be, default 300 as in
// Stripe's libraries).

const encoder = new TextEncoder();

function toHex(bytes: ArrayBuffer): string {
  return [...new Uint8Array(bytes)].map((b) => b.toString(16).padStart(2, "0")).join("");
}

// Stripe's scheme (https://docs.stripe.com/webhooks#verify-manually): the header is
// `t=<unix time>,v1=<hex HMAC-SHA256 of "<t>.<raw body>">` (several v1 values while a
// secret is being rolled).
async function verifySignature(
  payload: string,
  header: string,
  secret: string,
  toleranceSeconds: number,
): Promise<string | null> {
  const parts = header.split(",").map((part) => part.split("=", 2));
  const timestamp = parts.find(([key]) => key === "t")?.[1];
  const signatures = parts.filter(([key]) => key === "v1").map(([, value]) => value);
  if (!timestamp || !/^\d+$/.test(timestamp) || signatures.length === 0) {
    return "Unable to extract timestamp and signatures from header";
  }
  const key = await crypto.subtle.importKey(
    "raw",
    encoder.encode(secret),
    { name: "HMAC", hash: "SHA-256" },
    false,
    ["sign"],
  );
  const expected = toHex(
    await crypto.subtle.sign("HMAC", key, encoder.encode(`${timestamp}.${payload}`)),
  );
  if (!signatures.some((signature) => signature === expected)) {
    return "No signatures found matching the expected signature for payload";
  }
  if (Math.abs(Date.now() / 1000 - Number(timestamp)) > toleranceSeconds) {
    return "Timestamp outside the tolerance zone";
  }
  return null;
}

export default {
  async fetch(req: Request): Promise<Response> {
    const secret = Deno.env.get("STRIPE_WEBHOOK_SECRET");
    if (!secret) {
      return Response.json({ error: "STRIPE_WEBHOOK_SECRET is not set" }, { status: 500 });
    }
    const signature = req.headers.get("Stripe-Signature");
    if (!signature) {
      return Response.json({ error: "Missing Stripe-Signature header" }, { status: 400 });
    }
    // The signature covers the raw body: read it as text before parsing it.
    const payload = await req.text();
    const tolerance = Number(Deno.env.get("STRIPE_SIGNATURE_TOLERANCE_SECONDS") ?? 300);
    const problem = await verifySignature(payload, signature, secret, tolerance);
    if (problem) {
      return Response.json({ error: problem }, { status: 400 });
    }

    const event = JSON.parse(payload);
    switch (event.type) {
      case "checkout.session.completed":
        console.log(`Checkout completed: ${event.data.object.id}`);
        break;
      case "customer.subscription.deleted":
        console.log(`Subscription cancelled: ${event.data.object.id}`);
        break;
      default:
        console.log(`Unhandled event type ${event.type}`);
    }
    // Answer quickly: Stripe retries an event until it gets a 2xx.
    return Response.json({ received: true, type: event.type });
  },
};

/* To try it locally:

  1. Put STRIPE_WEBHOOK_SECRET=whsec_... (printed by `stripe listen`) in
     supabase/functions/.env and run `sbfn serve`
  2. stripe listen --forward-to 'http://127.0.0.1:54321/functions/v1/__name__'
  3. stripe trigger checkout.session.completed

*/
