// A function sees only the variables the server gives it, never the host's.
Deno.serve(() => {
  const names = Object.keys(Deno.env.toObject())
  return Response.json({
    home: Deno.env.get("HOME") ?? null,
    path: Deno.env.get("PATH") ?? null,
    hasHome: Deno.env.has("HOME"),
    hasPath: Deno.env.has("PATH"),
    canary: Deno.env.get("SPEC_HOST_CANARY") ?? null,
    leaked: names.filter((n) => ["HOME", "PATH", "USER", "PWD", "SHELL", "SBFN_CACHE_DIR", "NO_COLOR", "SPEC_HOST_CANARY"].includes(n)),
  })
})
