// The request body streamed back, with what the worker saw of the request.
Deno.serve((req) =>
  new Response(req.body, {
    status: 201,
    headers: { "x-method": req.method, "x-content-type": req.headers.get("content-type") ?? "" },
  })
);
