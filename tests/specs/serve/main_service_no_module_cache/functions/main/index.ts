// ?fresh=1 asks for a worker that does not use the module cache.
Deno.serve(async (req) => {
  const noModuleCache = new URL(req.url).searchParams.get("fresh") === "1";
  const worker = await EdgeRuntime.userWorkers.create({ servicePath: "./functions/greeter", forceCreate: true, noModuleCache });
  return await worker.fetch(req);
});
