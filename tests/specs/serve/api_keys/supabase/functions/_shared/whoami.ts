// Echoes the role of the JWT it was called with and the key variables it was given.
function role(req: Request): string | null {
  const auth = req.headers.get("Authorization")
  if (!auth) return null
  const b64 = (auth.replace(/^Bearer /, "").split(".")[1] ?? "").replace(/-/g, "+").replace(/_/g, "/")
  try {
    return JSON.parse(atob(b64 + "=".repeat((4 - (b64.length % 4)) % 4))).role ?? null
  } catch {
    return null
  }
}

export function whoami(req: Request): Response {
  return Response.json({
    role: role(req),
    publishable: Deno.env.get("SUPABASE_PUBLISHABLE_KEY") ?? null,
    secret: Deno.env.get("SUPABASE_SECRET_KEY") ?? null,
    publishable_keys: JSON.parse(Deno.env.get("SUPABASE_PUBLISHABLE_KEYS") ?? "null"),
    secret_keys: JSON.parse(Deno.env.get("SUPABASE_SECRET_KEYS") ?? "null"),
    jwks: JSON.parse(Deno.env.get("SUPABASE_JWKS") ?? "null"),
  })
}
