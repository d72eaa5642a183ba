import "jsr:@supabase/functions-js/edge-runtime.d.ts"
import { corsHeaders } from "../_shared/cors.ts"

// Reads the claims of the (already verified) JWT, as functions often do.
function claims(req: Request): Record<string, unknown> | null {
  const auth = req.headers.get("Authorization")
  if (!auth) return null
  const payload = auth.replace(/^Bearer /, "").split(".")[1] ?? ""
  const b64 = payload.replace(/-/g, "+").replace(/_/g, "/")
  try {
    return JSON.parse(atob(b64 + "=".repeat((4 - (b64.length % 4)) % 4)))
  } catch {
    return null
  }
}

Deno.serve((req: Request) => {
  if (req.method === "OPTIONS") {
    return new Response("ok", { headers: corsHeaders })
  }
  const c = claims(req)
  console.log(`whoami handled role=${c?.role ?? "none"}`)
  return Response.json({ role: c?.role ?? null, sub: c?.sub ?? null }, { headers: corsHeaders })
})
