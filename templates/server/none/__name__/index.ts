// Follow this setup guide to integrate the Deno language server with your editor:
// https://deno.land/manual/getting_started/setup_your_environment
// This enables autocomplete, go to definition, etc.

// Setup type definitions for built-in Supabase Runtime APIs
import "jsr:@supabase/functions-js/edge-runtime.d.ts";
import { withSupabase } from "npm:@supabase/server@1";

console.log("Hello from Functions!");

// This endpoint uses auth 'none', no credentials required, every request is accepted.
// Use it for health checks, public APIs, or when you need to implement your own auth logic.
export default {
  fetch: withSupabase({ auth: "none" }, async (req, _ctx) => {
    const { name } = await req.json();

    return Response.json({
      message: `Hello ${name}!`,
    });
  }),
};

/* To invoke locally:

  1. Run `sbfn serve` (or `supabase start`)
  2. Make an HTTP request:

  curl -i --location --request POST 'http://127.0.0.1:54321/functions/v1/__name__' \
    --header 'Content-Type: application/json' \
    --data '{"name":"Functions"}'

*/
