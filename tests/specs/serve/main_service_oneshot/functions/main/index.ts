// A main service asking create() for the same servicePath on every request, answering
// edge-runtime's creation error the way the guides' mains do (503 with its class).
Deno.serve(async (req) => {
  try {
    const worker = await EdgeRuntime.userWorkers.create({ servicePath: "./functions/hold", forceCreate: false });
    return await worker.fetch(req);
  } catch (e) {
    const known = e instanceof Deno.errors.InvalidWorkerCreation;
    return Response.json({ error: e.name, known, message: e.message }, { status: 503 });
  }
});
