// Setup type definitions for built-in Supabase Runtime APIs
import "jsr:@supabase/functions-js/edge-runtime.d.ts";

// Env: OPENAI_API_KEY (required); OPENAI_BASE_URL (default https://api.openai.com/v1, the
// name OpenAI's own SDKs read: point it at any compatible server); OPENAI_MODEL.
export default {
  async fetch(req: Request): Promise<Response> {
    const apiKey = Deno.env.get("OPENAI_API_KEY");
    if (!apiKey) {
      return Response.json({ error: "OPENAI_API_KEY is not set" }, { status: 500 });
    }
    let prompt: unknown;
    try {
      ({ prompt } = await req.json());
    } catch {
      prompt = undefined;
    }
    if (typeof prompt !== "string" || prompt === "") {
      return Response.json({ error: "Send a JSON body like {\"prompt\":\"Say hello\"}" }, {
        status: 400,
      });
    }

    const baseUrl = Deno.env.get("OPENAI_BASE_URL") ?? "https://api.openai.com/v1";
    let upstream: Response;
    try {
      upstream = await fetch(`${baseUrl}/chat/completions`, {
        method: "POST",
        headers: { Authorization: `Bearer ${apiKey}`, "Content-Type": "application/json" },
        body: JSON.stringify({
          model: Deno.env.get("OPENAI_MODEL") ?? "gpt-4o-mini",
          stream: true,
          messages: [{ role: "user", content: prompt }],
        }),
        // The caller hanging up stops the upstream request as well.
        signal: req.signal,
      });
    } catch (error) {
      return Response.json({ error: `Could not reach OpenAI: ${error}` }, { status: 502 });
    }
    if (!upstream.ok || !upstream.body) {
      return Response.json(
        { error: `OpenAI answered ${upstream.status}`, details: await upstream.text() },
        { status: 502 },
      );
    }

    // Passed through as it arrives: each `data: {...}` event holds the next piece of the
    // answer in choices[0].delta.content, and `data: [DONE]` ends it.
    return new Response(upstream.body, {
      headers: { "Content-Type": "text/event-stream", "Cache-Control": "no-cache" },
    });
  },
};

/* To invoke locally:

  1. Put OPENAI_API_KEY=sk-... in supabase/functions/.env and run `sbfn serve`
  2. Make an HTTP request:

  curl -i --no-buffer --location --request POST 'http://127.0.0.1:54321/functions/v1/__name__' \
    --header 'Authorization: Bearer __anon_key__' \
    --header 'Content-Type: application/json' \
    --data '{"prompt":"Say hello"}'

*/
