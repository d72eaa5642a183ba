// A body produced piece by piece: it must reach the client as produced.
Deno.serve(() => {
  let i = 0;
  const body = new ReadableStream({
    async pull(controller) {
      if (i === 4) return controller.close();
      if (i > 0) await new Promise((resolve) => setTimeout(resolve, 150));
      controller.enqueue(new TextEncoder().encode(`part ${i++}\n`));
    },
  });
  return new Response(body, { headers: { "content-type": "text/plain" } });
});
