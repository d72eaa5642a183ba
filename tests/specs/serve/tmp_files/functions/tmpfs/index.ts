// A function's /tmp: writable, private to its worker, gone with it; everything outside
// /tmp and the function's own folder refused.
async function attempt(fn: () => Promise<unknown>) {
  try {
    return { ok: await fn() };
  } catch (e) {
    return { error: (e as Error).name, message: (e as Error).message };
  }
}

Deno.serve(async (req) => {
  const op = new URL(req.url).searchParams.get("op");
  if (op === "write") {
    await Deno.writeTextFile("/tmp/note.txt", "kept in /tmp");
    const dir = await Deno.makeTempDir({ prefix: "job_" });
    await Deno.writeFile(`${dir}/data.bin`, new Uint8Array([1, 2, 3]));
    const names: string[] = [];
    for await (const entry of Deno.readDir("/tmp")) names.push(entry.name);
    return Response.json({
      text: await Deno.readTextFile("/tmp/note.txt"),
      size: (await Deno.stat(`${dir}/data.bin`)).size,
      dirUnderTmp: dir.startsWith("/tmp/job_"),
      listed: names.includes("note.txt"),
    });
  }
  if (op === "read") {
    return Response.json(await attempt(() => Deno.readTextFile("/tmp/note.txt")));
  }
  return Response.json({
    passwd: await attempt(() => Deno.readTextFile("/etc/passwd")),
    dotdot: await attempt(() => Deno.readTextFile("/tmp/../etc/passwd")),
    writeOwnFolder: await attempt(() => Deno.writeTextFile("./written.txt", "x")),
    writeEtc: await attempt(() => Deno.writeTextFile("/etc/x", "x")),
    statEtc: await attempt(() => Deno.stat("/etc")),
    readOwnSource: await attempt(async () => (await Deno.readTextFile("./index.ts")).includes("attempt")),
  });
});
