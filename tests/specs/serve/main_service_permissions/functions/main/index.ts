// Hands each request to a fresh user worker created with the `permissions` the request's
// body names (ALLOWED_HOST stands for the allowed upstream's host:port).
Deno.serve(async (req) => {
  const { permissions, allowed, other } = await req.json();
  const host = new URL(allowed).host;
  const fill = (list) => (Array.isArray(list) ? list.map((item) => item.replace("ALLOWED_HOST", host)) : list);
  if (permissions && typeof permissions === "object") {
    for (const key of Object.keys(permissions)) permissions[key] = fill(permissions[key]);
  }
  try {
    const worker = await EdgeRuntime.userWorkers.create({
      servicePath: "./functions/probe",
      forceCreate: true,
      envVars: [["GREETING", "hello"], ["SECRET", "s3cret"]],
      permissions,
    });
    return await worker.fetch(new Request(req.url, { method: "POST", body: JSON.stringify({ allowed, other }) }));
  } catch (e) {
    return Response.json({ error: e.name, message: e.message }, { status: 500 });
  }
});
