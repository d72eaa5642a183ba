// A main service that hands every request, WebSocket upgrades included, to a user worker
// with `return await worker.fetch(req)`, as edge-runtime's examples/main does.
Deno.serve(async (req: Request) => {
  const url = new URL(req.url);
  const [, name] = url.pathname.split("/");
  if (name === "_cleanup") {
    return Response.json({ dropped: await EdgeRuntime.userWorkers.tryCleanupIdleWorkers(0) });
  }
  const worker = await EdgeRuntime.userWorkers.create({ servicePath: `./functions/${name}` });
  if (url.searchParams.has("drop")) {
    // The 101 response is not returned: the user worker's socket must not stay open.
    await worker.fetch(req);
    return new Response("dropped the upgrade", { status: 409 });
  }
  return await worker.fetch(req);
});
