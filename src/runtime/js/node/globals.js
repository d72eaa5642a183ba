// The globals Deno 2 gives user code and npm packages for Node compatibility: `process`,
// `Buffer`, `global`, `setImmediate` and `clearImmediate`. Each is an accessor that loads
// its node: module on first use (so a worker that never touches them pays nothing at
// boot), and assigning one replaces it, as with Deno's.
import { loadBuiltin } from "./glue.js";

function lazy(g, name, get) {
  Object.defineProperty(g, name, {
    get,
    set(value) {
      Object.defineProperty(g, name, { value, writable: true, enumerable: true, configurable: true });
    },
    enumerable: true,
    configurable: true,
  });
}

export function installNodeGlobals(g) {
  lazy(g, "process", () => loadBuiltin("process"));
  lazy(g, "Buffer", () => loadBuiltin("buffer").Buffer);
  lazy(g, "setImmediate", () => loadBuiltin("timers").setImmediate);
  lazy(g, "clearImmediate", () => loadBuiltin("timers").clearImmediate);
  Object.defineProperty(g, "global", { value: g, writable: true, enumerable: true, configurable: true });
}
