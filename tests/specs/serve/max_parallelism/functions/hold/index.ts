// Each isolate names itself once, at its top level: the log then shows how many the
// server booted for this function. Also the user worker of serve/main_service_parallelism.
const isolate = crypto.randomUUID();
console.log(`isolate ${isolate} booted`);

Deno.serve(async (req) => {
  const ms = Number(new URL(req.url).searchParams.get("ms") ?? 0);
  if (ms > 0) {
    console.log(`holding ${isolate}`);
    await new Promise((resolve) => setTimeout(resolve, ms));
  }
  return Response.json({ isolate });
});
