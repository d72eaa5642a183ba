// What the node: layer uses of the runtime. The layer is a bundle of its own, compiled in a
// worker on first use (glue.js), so it cannot import the runtime's modules: it would get
// copies of them (a second timer table, a second TextDecoder class). The runtime hands
// over its own objects instead (glue.js lists them), once, before any built-in is made;
// the layer reads them from `host` when it runs, never while its modules are evaluated.
export const host = {};

export function setRuntime(internals) {
  Object.assign(host, internals);
}
