// Calls an API (the case's upstream server) and relays its answer: a JSON POST, and a
// body streamed from a ReadableStream (sent chunked).
const api = "__UPSTREAM_api__";

Deno.serve(async (req) => {
  const url = new URL(req.url);
  if (url.pathname.endsWith("/stream")) {
    const parts = ["one,", "two,", "three"];
    const body = new ReadableStream({
      pull(controller) {
        const next = parts.shift();
        if (next === undefined) controller.close();
        else controller.enqueue(new TextEncoder().encode(next));
      },
    });
    const res = await fetch(`${api}/v1/upload`, { method: "PUT", body, headers: { "content-type": "text/plain" } });
    return new Response(await res.text(), { status: res.status });
  }
  if (url.pathname.endsWith("/missing")) {
    const res = await fetch(`${api}/v1/nothing`);
    return new Response(await res.text(), { status: res.status });
  }
  const res = await fetch(`${api}/v1/items?limit=2&tag=a%20b`, {
    method: "POST",
    headers: { "content-type": "application/json", "x-api-key": "k-123" },
    body: JSON.stringify({ name: url.searchParams.get("name") }),
  });
  return Response.json({ status: res.status, header: res.headers.get("x-upstream"), body: await res.json() });
});
