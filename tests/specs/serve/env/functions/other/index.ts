import "jsr:@supabase/functions-js/edge-runtime.d.ts"

// A sibling without its own .env: sees the shared file only.
Deno.serve(() => {
  const env = Deno.env.toObject()
  return Response.json({
    greeting: Deno.env.get("GREETING") ?? null,
    home: Deno.env.get("HOME") ?? null,
    path: Deno.env.get("PATH") ?? null,
    names: Object.keys(env).sort(),
    env,
  })
})
