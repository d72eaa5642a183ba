// Imports Wasm modules as Deno 2 does: exports.wasm has no imports; imports.wasm imports
// `log` and `base` from ./env.js, named relative to itself; the same from a URL. The
// .wasm files are the conformance suite's (tests/js/fixtures/wasm), copied in by case.json.
import { add, answer, memory } from "./wasm/exports.wasm";
import { run } from "./wasm/imports.wasm";
import { calls } from "./wasm/env.js";
import { run as runRemote } from "__REGISTRY__/remote/wasm/imports.wasm";

Deno.serve(async (req: Request) => {
  const { a, b } = await req.json();
  return Response.json({
    sum: add(a, b),
    run: run(a),
    logged: calls.at(-1),
    answer,
    pages: memory.buffer.byteLength / 65536,
    remote: runRemote(b),
  });
});
