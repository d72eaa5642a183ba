// Setup type definitions for built-in Supabase Runtime APIs
import "jsr:@supabase/functions-js/edge-runtime.d.ts";

// Called by pg_cron rather than by users, so supabase/config.toml has `verify_jwt = false`
// for it and the caller proves itself with a shared secret instead: CRON_SECRET in the
// function's env (supabase/functions/.env locally, `supabase secrets set` when deployed)
// and the same value in the X-Cron-Secret header. To call it every five minutes:
//
//   select cron.schedule('__name__', '*/5 * * * *', $$
//     select net.http_post(
//       url := 'https://<project-ref>.supabase.co/functions/v1/__name__',
//       headers := jsonb_build_object('X-Cron-Secret', '<the CRON_SECRET value>')
//     );
//   $$);

const encoder = new TextEncoder();

// Compares without stopping at the first difference, so response times say nothing about
// how much of a guess was right.
function sameSecret(a: string, b: string): boolean {
  const left = encoder.encode(a);
  const right = encoder.encode(b);
  let difference = left.length ^ right.length;
  for (let i = 0; i < left.length; i++) {
    difference |= left[i] ^ (right[i % Math.max(right.length, 1)] ?? 0);
  }
  return difference === 0;
}

// The scheduled work. Replace with yours (query the database, send a digest, ...).
async function runJob(): Promise<{ ranAt: string }> {
  return { ranAt: new Date().toISOString() };
}

export default {
  async fetch(req: Request): Promise<Response> {
    const secret = Deno.env.get("CRON_SECRET");
    if (!secret) {
      return Response.json({ error: "CRON_SECRET is not set" }, { status: 500 });
    }
    if (!sameSecret(req.headers.get("X-Cron-Secret") ?? "", secret)) {
      return Response.json({ error: "Unauthorized" }, { status: 401 });
    }
    const result = await runJob();
    console.log(`__name__ ran at ${result.ranAt}`);
    return Response.json({ ok: true, ...result });
  },
};

/* To invoke locally:

  1. Put CRON_SECRET=change-me in supabase/functions/.env and run `sbfn serve`
  2. Make an HTTP request:

  curl -i --location --request POST 'http://127.0.0.1:54321/functions/v1/__name__' \
    --header 'X-Cron-Secret: change-me'

*/
