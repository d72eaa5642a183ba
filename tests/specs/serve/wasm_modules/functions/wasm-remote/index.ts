// A Wasm module from a URL (served as application/octet-stream: the .wasm extension
// decides): its import "./env.js" resolves against that URL, on the same server.
import { run } from "__REGISTRY__/remote/wasm/imports.wasm";
import { calls } from "__REGISTRY__/remote/wasm/env.js";

Deno.serve(() => Response.json({ run: run(3), logged: calls.at(-1) }));
