// Run with `sbfn test` (or `deno test --allow-all`). The test signs events the way Stripe
// does, with the secret it gives the function.
import { assertEquals } from "jsr:@std/assert@1";
import handler from "../__name__/index.ts";

const SECRET = "whsec_test_secret";
const encoder = new TextEncoder();

async function sign(payload: string, timestamp: number, secret = SECRET): Promise<string> {
  const key = await crypto.subtle.importKey(
    "raw",
    encoder.encode(secret),
    { name: "HMAC", hash: "SHA-256" },
    false,
    ["sign"],
  );
  const mac = await crypto.subtle.sign("HMAC", key, encoder.encode(`${timestamp}.${payload}`));
  const hex = [...new Uint8Array(mac)].map((b) => b.toString(16).padStart(2, "0")).join("");
  return `t=${timestamp},v1=${hex}`;
}

const event = JSON.stringify({
  id: "evt_test",
  type: "checkout.session.completed",
  data: { object: { id: "cs_test_123" } },
});

function deliver(payload: string, signature?: string): Promise<Response> {
  const headers: Record<string, string> = { "Content-Type": "application/json" };
  if (signature !== undefined) headers["Stripe-Signature"] = signature;
  return handler.fetch(
    new Request("http://localhost/__name__", { method: "POST", headers, body: payload }),
  );
}

const now = () => Math.floor(Date.now() / 1000);

Deno.test("__name__ accepts an event Stripe signed", async () => {
  Deno.env.set("STRIPE_WEBHOOK_SECRET", SECRET);
  const response = await deliver(event, await sign(event, now()));
  assertEquals(response.status, 200);
  assertEquals(await response.json(), { received: true, type: "checkout.session.completed" });
});

Deno.test("__name__ refuses a tampered body, a wrong secret and a stale signature", async () => {
  Deno.env.set("STRIPE_WEBHOOK_SECRET", SECRET);
  const cases: [string, string, string][] = [
    [
      event.replace("cs_test_123", "cs_test_999"),
      await sign(event, now()),
      "No signatures found matching the expected signature for payload",
    ],
    [
      event,
      await sign(event, now(), "whsec_other"),
      "No signatures found matching the expected signature for payload",
    ],
    [event, await sign(event, now() - 3600), "Timestamp outside the tolerance zone"],
    [event, "garbage", "Unable to extract timestamp and signatures from header"],
  ];
  for (const [payload, signature, error] of cases) {
    const response = await deliver(payload, signature);
    assertEquals(response.status, 400, error);
    assertEquals(await response.json(), { error });
  }
});

Deno.test("__name__ wants the Stripe-Signature header", async () => {
  Deno.env.set("STRIPE_WEBHOOK_SECRET", SECRET);
  const response = await deliver(event);
  assertEquals(response.status, 400);
  assertEquals(await response.json(), { error: "Missing Stripe-Signature header" });
});
