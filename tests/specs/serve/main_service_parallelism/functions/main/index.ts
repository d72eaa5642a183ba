// A main service asking create() for the same servicePath on every request, as the
// Supabase CLI's does: the pool decides which of that path's workers answers.
Deno.serve(async (req) => {
  const url = new URL(req.url);
  if (url.pathname === "/metrics") {
    return Response.json(EdgeRuntime.getRuntimeMetrics());
  }
  const worker = await EdgeRuntime.userWorkers.create({ servicePath: "./functions/hold" });
  return await worker.fetch(req);
});
