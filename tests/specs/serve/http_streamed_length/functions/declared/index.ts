// A streamed body with a content-length of the function's own (`len`), in the pieces
// `parts` names: as express's sendFile and node:http's res.setHeader + write do.
Deno.serve((req) => {
  const url = new URL(req.url);
  const parts = (url.searchParams.get("parts") ?? "").split(",");
  const body = new ReadableStream({
    async pull(controller) {
      const part = parts.shift();
      if (part === undefined) return controller.close();
      await new Promise((resolve) => setTimeout(resolve, 5));
      controller.enqueue(new TextEncoder().encode(part));
    },
  });
  return new Response(body, { headers: { "content-length": url.searchParams.get("len") ?? "" } });
});
