import OpenAI from "npm:openai@6";

// The official SDK pointed at a local OpenAI-compatible server, as a function would point
// it at a proxy or a self-hosted model; the request names which of the case's servers.
function client(endpoint: string) {
  return new OpenAI({
    apiKey: Deno.env.get("OPENAI_API_KEY"),
    baseURL: Deno.env.get(`${endpoint.toUpperCase()}_BASE_URL`),
    maxRetries: 0,
  });
}

Deno.serve(async (req) => {
  const { prompt, stream, model, endpoint } = await req.json();
  const openai = client(endpoint);
  const messages = [{ role: "user" as const, content: prompt }];
  try {
    if (!stream) {
      const completion = await openai.chat.completions.create({ model, messages });
      return Response.json({ text: completion.choices[0].message.content, usage: completion.usage });
    }
    // Streamed on to the caller piece by piece, as the SDK yields each chunk.
    const chunks = await openai.chat.completions.create({ model, messages, stream: true });
    const encoder = new TextEncoder();
    const body = new ReadableStream({
      async start(controller) {
        for await (const chunk of chunks) {
          controller.enqueue(encoder.encode(`[${chunk.choices[0]?.delta?.content ?? ""}]`));
        }
        controller.close();
      },
    });
    return new Response(body, { headers: { "Content-Type": "text/plain" } });
  } catch (error) {
    // The SDK's own error classes, as an app would branch on them.
    const e = error as InstanceType<typeof OpenAI.APIError>;
    return Response.json({
      error: e.constructor.name,
      isAuthError: error instanceof OpenAI.AuthenticationError,
      status: e.status,
      message: e.message,
    }, { status: 502 });
  }
});
