import Stripe from "npm:stripe@23";
import { createHmac } from "node:crypto";

// A webhook endpoint's check of Stripe's signature header, as Supabase's Stripe example
// does it, with both of stripe's paths: constructEventAsync on crypto.subtle (the package's
// default under Deno), and the synchronous constructEvent with a crypto provider over
// node:crypto's createHmac. The valid header is computed here with node:crypto, the way
// Stripe signs: HMAC-SHA256 of "<timestamp>.<payload>" under the endpoint's secret.
const stripe = new Stripe("sk_test_not_a_real_key", { httpClient: Stripe.createFetchHttpClient() });
const secret = "whsec_test_secret_for_sbfn";

const nodeCryptoProvider = {
  computeHMACSignature: (payload: string, key: string) =>
    createHmac("sha256", key).update(payload, "utf8").digest("hex"),
  computeHMACSignatureAsync: async (payload: string, key: string) =>
    createHmac("sha256", key).update(payload, "utf8").digest("hex"),
  computeSHA256Async: async () => new Uint8Array(32),
};

function header(payload: string, timestamp: number, key = secret) {
  const signature = createHmac("sha256", key).update(`${timestamp}.${payload}`).digest("hex");
  return `t=${timestamp},v1=${signature}`;
}

async function outcome(run: () => unknown) {
  try {
    const event = (await run()) as Stripe.Event;
    return { ok: true, id: event.id, type: event.type };
  } catch (error) {
    return { ok: false, type: (error as { type?: string }).type, message: (error as Error).message.split("\n")[0].trim() };
  }
}

Deno.serve(async (req) => {
  const payload = await req.text();
  const now = Math.floor(Date.now() / 1000);
  const valid = header(payload, now);
  const wrongSecret = header(payload, now, "whsec_someone_else");
  const stale = header(payload, now - 3600);
  const generated = await stripe.webhooks.generateTestHeaderStringAsync({ payload, secret, timestamp: now });
  return Response.json({
    generatedMatches: generated === valid,
    async: {
      valid: await outcome(() => stripe.webhooks.constructEventAsync(payload, valid, secret)),
      wrongSecret: await outcome(() => stripe.webhooks.constructEventAsync(payload, wrongSecret, secret)),
      stale: await outcome(() => stripe.webhooks.constructEventAsync(payload, stale, secret)),
      tamperedBody: await outcome(() => stripe.webhooks.constructEventAsync(payload + " ", valid, secret)),
    },
    sync: {
      valid: await outcome(() => stripe.webhooks.constructEvent(payload, valid, secret, undefined, nodeCryptoProvider)),
      wrongSecret: await outcome(() => stripe.webhooks.constructEvent(payload, wrongSecret, secret, undefined, nodeCryptoProvider)),
      noProvider: await outcome(() => stripe.webhooks.constructEvent(payload, valid, secret)),
    },
  });
});
