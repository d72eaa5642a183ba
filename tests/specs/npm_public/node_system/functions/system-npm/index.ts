// Real packages over the system built-ins: fs-extra (graceful-fs patches node:fs, copy
// keeps modes with chmod), pino (writes JSON lines to process.stdout).
import fse from "npm:fs-extra@11.2.0";
import pino from "npm:pino@9.5.0";

const log = pino({ base: { fn: "system-npm" } });

Deno.serve(async () => {
  const dir = await fse.mkdtemp("/tmp/system-npm-");
  await fse.outputJson(`${dir}/a/b/data.json`, { ok: true });
  await fse.copy(`${dir}/a`, `${dir}/copy`);
  const copied = await fse.readJson(`${dir}/copy/b/data.json`);
  const exists = await fse.pathExists(`${dir}/copy/b/data.json`);
  await fse.remove(dir);
  log.info({ copied }, "hello from pino");
  return Response.json({ copied, exists, removed: !(await fse.pathExists(dir)) });
});
