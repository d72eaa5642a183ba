import "jsr:@supabase/functions-js/edge-runtime.d.ts"

Deno.serve(() => {
  const env = Deno.env.toObject()
  return Response.json({
    greeting: Deno.env.get("GREETING") ?? null,
    names: Object.keys(env).sort(),
    env,
  })
})
