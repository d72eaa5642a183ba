// The node: layer's entry point: CommonJS `require` and the node: built-ins, bundled on
// their own (gen/node.js, embedded in the binary) and compiled in a worker the first time
// it needs one of them (glue.js), so that a worker that never does pays nothing at boot.
import { setRuntime } from "./runtime.js";
import { loadBuiltin } from "./registry.js";
import { requireUrl } from "./module.js";

// Takes the runtime's own objects (runtime.js lists them); returns the layer's face.
export function init(internals) {
  setRuntime(internals);
  return { loadBuiltin, requireUrl };
}
