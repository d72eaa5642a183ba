// Imports a file that is not a Wasm module: the worker cannot boot.
import "./not_wasm.wasm";

Deno.serve(() => new Response("never"));
