// As edge-runtime's example main service does (`/_internal/upload`): PUT /upload writes
// the body as index.ts into a fresh folder under the host's temp dir, then runs that folder
// as a user worker by its path. GET /shared reads a file outside the main service's folder.
Deno.serve(async (req) => {
  const url = new URL(req.url);
  if (url.pathname === "/shared") {
    return new Response(await Deno.readTextFile("../shared.txt"));
  }
  try {
    const dir = await Deno.makeTempDir({ prefix: "upload-" });
    await Deno.writeTextFile(`${dir}/index.ts`, await req.text());
    const worker = await EdgeRuntime.userWorkers.create({ servicePath: dir });
    const answer = await (await worker.fetch(new Request(req.url))).json();
    await Deno.remove(dir, { recursive: true });
    return Response.json({ ...answer, inHostTemp: dir.startsWith(Deno.env.get("TMPDIR") ?? "/tmp") });
  } catch (e) {
    return Response.json({ error: e.name, message: e.message }, { status: 500 });
  }
});
