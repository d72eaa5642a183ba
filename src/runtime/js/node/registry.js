// The node: built-ins this runtime provides, by name. Each is made on first use: the
// snapshot holds their code (esbuild wraps a `require`d module in a lazy initialiser), not
// their objects, so a worker that never imports one pays nothing at boot.

/* eslint-disable no-undef -- `require` is esbuild's, resolved at bundle time */
const factories = {
  assert: () => require("./assert.js").default,
  "assert/strict": () => require("./assert.js").default.strict,
  buffer: () => require("./buffer.js").default,
  crypto: () => require("./crypto.js").default,
  events: () => require("./events.js").default,
  module: () => require("./module.js").moduleExports(),
  path: () => require("./path.js").default,
  "path/posix": () => require("./path.js").default.posix,
  process: () => require("./process.js").default,
  punycode: () => require("./punycode.js").default,
  querystring: () => require("./querystring.js").default,
  stream: () => require("./stream.js").default,
  "stream/promises": () => require("./stream.js").default.promises,
  "stream/web": () => require("./stream_web.js").default,
  string_decoder: () => require("./string_decoder.js").default,
  sys: () => require("./util.js").default,
  timers: () => require("./timers.js").default,
  "timers/promises": () => require("./timers_promises.js").default,
  url: () => require("./url.js").default,
  util: () => require("./util.js").default,
  "util/types": () => require("./util.js").default.types,
};

const made = new Map();

// The exports object of built-in `name` ("events", "fs/promises"; no "node:"), made once;
// undefined when this runtime does not provide it.
export function loadBuiltin(name) {
  let exports = made.get(name);
  if (exports === undefined && Object.hasOwn(factories, name)) {
    exports = factories[name]();
    made.set(name, exports);
  }
  return exports;
}

export const providedBuiltins = Object.keys(factories);
