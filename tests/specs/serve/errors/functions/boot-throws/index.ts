const apiKey: string | undefined = Deno.env.get("SOME_API_KEY")
if (!apiKey) {
  throw new Error("SOME_API_KEY is not set")
}

Deno.serve(() => new Response(apiKey))
