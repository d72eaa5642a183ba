import { Buffer } from "node:buffer";
import { createHash, randomUUID } from "node:crypto";
import process from "node:process";
import signer, { sign } from "./signer.cjs";

Deno.serve(async (req) => {
  const url = new URL(req.url);
  if (url.searchParams.get("exit")) {
    process.exit(3);
  }
  const body = await req.text();
  return Response.json({
    sha256: createHash("sha256").update(body).digest("hex"),
    base64: Buffer.from(body).toString("base64"),
    signature: sign("secret", body),
    sameSign: signer.sign === sign,
    encoded: signer.encoded,
    file: signer.file,
    uuid: randomUUID().length,
    bufferGlobal: globalThis.Buffer === Buffer,
    env: process.env.NODE_CJS_GREETING ?? null,
  });
});
