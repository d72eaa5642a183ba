// Setup type definitions for built-in Supabase Runtime APIs
import "jsr:@supabase/functions-js/edge-runtime.d.ts";
import { corsHeaders } from "../_shared/cors.ts";

export default {
  async fetch(req: Request): Promise<Response> {
    // A browser asks first (the preflight, with no Authorization header: the gateway lets
    // OPTIONS through); it sends the real request only if this answer allows it.
    if (req.method === "OPTIONS") {
      return new Response("ok", { headers: corsHeaders });
    }

    try {
      const { name } = await req.json();
      return Response.json({ message: `Hello ${name}!` }, { headers: corsHeaders });
    } catch (error) {
      // Errors need the CORS headers too, or the browser hides them from the page.
      return Response.json({ error: String((error as Error).message ?? error) }, {
        status: 400,
        headers: corsHeaders,
      });
    }
  },
};

/* To invoke from a browser (after `sbfn serve`), with supabase-js:

  const { data, error } = await supabase.functions.invoke("__name__", {
    body: { name: "Functions" },
  });

*/
