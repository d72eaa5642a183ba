import "jsr:@supabase/functions-js/edge-runtime.d.ts"

// verify_jwt = false in config.toml: reachable without a Supabase JWT.
Deno.serve(async (req: Request) => {
  const event = req.method === "POST" ? await req.json() : null
  return Response.json({ received: true, event, hasAuth: req.headers.has("Authorization") })
})
