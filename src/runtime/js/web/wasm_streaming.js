// WebAssembly.compileStreaming / instantiateStreaming (WebAssembly Web API) from a
// Response or a promise of one, with Deno's checks: an application/wasm content type and
// an ok status. V8 adds the WebAssembly namespace only when a worker's context is
// deserialised, so the worker's boot hook installs these (not the snapshot build).
import { Response } from "./response.js";

async function wasmBytes(source, method) {
  const response = await source;
  if (!(response instanceof Response)) {
    throw new TypeError(`Failed to execute '${method}': Argument 1 is not of type Response`);
  }
  const type = response.headers.get("content-type");
  if (type === null || type.trim().toLowerCase() !== "application/wasm") {
    throw new TypeError("Invalid WebAssembly content type");
  }
  if (!response.ok) {
    throw new TypeError(`Failed to receive WebAssembly content: HTTP status code ${response.status}`);
  }
  return response.arrayBuffer();
}

const methods = {
  compileStreaming(source) {
    return wasmBytes(source, "WebAssembly.compileStreaming").then((bytes) => WebAssembly.compile(bytes));
  },
  instantiateStreaming(source, importObject = undefined) {
    return wasmBytes(source, "WebAssembly.instantiateStreaming").then((bytes) =>
      WebAssembly.instantiate(bytes, importObject),
    );
  },
};

export function installWasmStreaming(g) {
  const wasm = g.WebAssembly;
  if (typeof wasm !== "object" || wasm === null || typeof wasm.compileStreaming === "function") return;
  for (const name of Object.keys(methods)) {
    Object.defineProperty(wasm, name, { value: methods[name], writable: true, configurable: true, enumerable: true });
  }
}
