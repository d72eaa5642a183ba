import { corsHeaders } from "../_shared/cors.ts"

Deno.serve((req) => {
  if (req.method === "OPTIONS") {
    return new Response("ok", { headers: corsHeaders })
  }
  return new Response("only-this answers", { headers: { ...corsHeaders, "content-type": "text/plain" } })
})
