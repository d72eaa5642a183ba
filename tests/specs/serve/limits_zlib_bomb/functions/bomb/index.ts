import { Buffer } from "node:buffer";
import { createGunzip, gunzip, gunzipSync, gzipSync } from "node:zlib";
import { promisify } from "node:util";
import { Readable } from "node:stream";

// A decompression bomb: 64 gzip members of 8 MiB of zeros, about 0.5 MiB that would
// inflate to 512 MiB, far past the worker's memory limit. node:zlib must stop it with an
// error the function can catch, in each form, and the process must go on.
const member = gzipSync(Buffer.alloc(8 * 1024 * 1024));
const bomb = Buffer.concat(Array.from({ length: 64 }, () => member));

async function failure(run: () => Promise<unknown> | unknown) {
  try {
    const out = await run();
    return { inflated: (out as Buffer).length };
  } catch (error) {
    return { name: (error as Error).name, code: (error as { code?: string }).code };
  }
}

Deno.serve(async (req) => {
  const mode = new URL(req.url).searchParams.get("mode");
  if (mode === "sync") return Response.json(await failure(() => gunzipSync(bomb)));
  if (mode === "callback") return Response.json(await failure(() => promisify(gunzip)(bomb)));
  return Response.json(await failure(async () => {
    const chunks: Buffer[] = [];
    for await (const chunk of Readable.from([bomb]).pipe(createGunzip())) chunks.push(chunk);
    return Buffer.concat(chunks);
  }));
});
