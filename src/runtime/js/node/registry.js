// The node: built-ins this runtime provides, by name. Each is made on first use: the
// modules here only define factories when the bundle is evaluated at build time, and the
// npm packages behind them are `require`d inside those factories (esbuild keeps a
// required CommonJS package lazy), so the snapshot holds their code, not their objects,
// and a worker that never imports one pays nothing at boot.
import bridge from "./shims/bridge.cjs";
import { createAssert } from "./assert.js";
import { createBuffer } from "./buffer.js";
import { createCrypto } from "./crypto.js";
import { createDns, createDnsPromises } from "./dns.js";
import { createEvents } from "./events.js";
import { createHttp } from "./http.js";
import { createHttp2 } from "./http2.js";
import { createHttps } from "./https.js";
import { createModule } from "./module.js";
import { createNet } from "./net.js";
import { createPath } from "./path.js";
import { createProcess } from "./process.js";
import { createPunycode } from "./punycode.js";
import { createQuerystring } from "./querystring.js";
import { createStream } from "./stream.js";
import { createStreamWeb } from "./stream_web.js";
import { createStringDecoder } from "./string_decoder.js";
import { createTimers } from "./timers.js";
import { createTimersPromises } from "./timers_promises.js";
import { createTls } from "./tls.js";
import { createUrl } from "./url.js";
import { createUtil } from "./util.js";
import { createZlib } from "./zlib.js";

const factories = {
  assert: createAssert,
  "assert/strict": () => loadBuiltin("assert").strict,
  buffer: createBuffer,
  crypto: createCrypto,
  dns: () => createDns(loadBuiltin("dns/promises")),
  "dns/promises": createDnsPromises,
  events: createEvents,
  http: createHttp,
  http2: createHttp2,
  https: createHttps,
  module: createModule,
  net: createNet,
  path: createPath,
  "path/posix": () => loadBuiltin("path").posix,
  process: createProcess,
  punycode: createPunycode,
  querystring: createQuerystring,
  stream: createStream,
  "stream/promises": () => loadBuiltin("stream").promises,
  "stream/web": createStreamWeb,
  string_decoder: createStringDecoder,
  sys: () => loadBuiltin("util"),
  timers: createTimers,
  "timers/promises": createTimersPromises,
  tls: createTls,
  url: createUrl,
  util: createUtil,
  "util/types": () => loadBuiltin("util").types,
  zlib: createZlib,
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

bridge.load = loadBuiltin;
