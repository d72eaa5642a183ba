// Follow this setup guide to integrate the Deno language server with your editor:
// https://deno.land/manual/getting_started/setup_your_environment
// This enables autocomplete, go to definition, etc.

// Setup type definitions for built-in Supabase Runtime APIs
import "jsr:@supabase/functions-js/edge-runtime.d.ts";
import { withSupabase } from "npm:@supabase/server@1";

console.log("Hello from Functions!");

// This endpoint uses 'user' access, credentials is required.
// The user's JWT is verified against SUPABASE_JWKS (or the JWKS published at SUPABASE_URL).
export default {
  fetch: withSupabase({ auth: "user" }, async (_req, ctx) => {
    const email = ctx.userClaims?.email;

    return Response.json({
      message: `Hello ${email}!`,
    });
  }),
};

/* To invoke locally:

  1. Run `sbfn serve` (or `supabase start`)
  2. Make an HTTP request:

  curl -i --location --request POST 'http://127.0.0.1:54321/functions/v1/__name__' \
    --header 'apiKey: __publishable_key__' \
    --header 'Authorization: Bearer <UserToken>'
*/
