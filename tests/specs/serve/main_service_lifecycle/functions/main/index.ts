// A main service whose user workers have a 300 ms soft CPU limit, and a route that
// early-drops the idle ones (EdgeRuntime.userWorkers.tryCleanupIdleWorkers).
Deno.serve(async (req: Request) => {
  const url = new URL(req.url);
  const [, name] = url.pathname.split("/");
  if (name === "_cleanup") {
    // The user worker counts as busy until its own thread has closed the request, a
    // moment after its answer reached this main service: ask again until it is idle.
    let dropped = 0;
    for (let i = 0; i < 200 && dropped === 0; i++) {
      dropped = await EdgeRuntime.userWorkers.tryCleanupIdleWorkers(0);
      if (dropped === 0) await new Promise((resolve) => setTimeout(resolve, 10));
    }
    return Response.json({ dropped });
  }
  const create = () =>
    EdgeRuntime.userWorkers.create({
      servicePath: `./functions/${name}`,
      cpuTimeSoftLimitMs: 300,
      cpuTimeHardLimitMs: 5000,
    });
  try {
    return await (await create()).fetch(req);
  } catch (e) {
    if (e instanceof Deno.errors.WorkerAlreadyRetired) return await (await create()).fetch(req);
    return new Response(String(e), { status: 500 });
  }
});
