// Follow this setup guide to integrate the Deno language server with your editor:
// https://deno.land/manual/getting_started/setup_your_environment
// This enables autocomplete, go to definition, etc.

// Setup type definitions for built-in Supabase Runtime APIs
import "jsr:@supabase/functions-js/edge-runtime.d.ts";

console.log("Hello from Functions!");

// The handler is the default export's `fetch` (served by `sbfn serve`, Supabase's edge
// runtime and `deno serve` alike), so ../tests/__name__-test.ts can call it directly.
export default {
  async fetch(req: Request): Promise<Response> {
    let name: unknown;
    try {
      ({ name } = await req.json());
    } catch {
      return Response.json({ error: "Send a JSON body like {\"name\":\"Functions\"}" }, {
        status: 400,
      });
    }
    const data = {
      message: `Hello ${name}!`,
    };

    return new Response(
      JSON.stringify(data),
      { headers: { "Content-Type": "application/json" } },
    );
  },
};

/* To invoke locally:

  1. Run `sbfn serve` (or `supabase start`)
  2. Make an HTTP request:

  curl -i --location --request POST 'http://127.0.0.1:54321/functions/v1/__name__' \
    --header 'Authorization: Bearer __anon_key__' \
    --header 'Content-Type: application/json' \
    --data '{"name":"Functions"}'

*/
