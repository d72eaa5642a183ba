// The node: built-ins this runtime provides, by name. Each is made on first use: the
// modules here only define factories when the bundle is evaluated at build time, and the
// npm packages behind them are `require`d inside those factories (esbuild keeps a
// required CommonJS package lazy), so the snapshot holds their code, not their objects,
// and a worker that never imports one pays nothing at boot.
import bridge from "./shims/bridge.cjs";
import { createAssert } from "./assert.js";
import { createAsyncHooks } from "./async_hooks.js";
import { createConsoleModule } from "./console.js";
import { createDiagnosticsChannel } from "./diagnostics_channel.js";
import { createFs } from "./fs.js";
import { createOs } from "./os.js";
import { createPerfHooks } from "./perf_hooks.js";
import * as refused from "./unsupported.js";
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
import { createReadline } from "./readline.js";
import { createQuerystring } from "./querystring.js";
import { createStream } from "./stream.js";
import { createStreamWeb } from "./stream_web.js";
import { createStreamConsumers } from "./stream_consumers.js";
import { createStringDecoder } from "./string_decoder.js";
import { createTimers } from "./timers.js";
import { createTimersPromises } from "./timers_promises.js";
import { createTls } from "./tls.js";
import { createUrl } from "./url.js";
import { createUtil } from "./util.js";
import { createZlib } from "./zlib.js";

const factories = {
  // Node's old internal stream module names, still required by some packages.
  // Node's old internal module names, which some packages still require: the pieces of
  // http, tls and stream they name.
  _http_agent: () => pick("http", "Agent", "globalAgent"),
  _http_client: () => pick("http", "ClientRequest"),
  _http_common: () => pick("http", "METHODS"),
  _http_incoming: () => pick("http", "IncomingMessage"),
  _http_outgoing: () => pick("http", "OutgoingMessage", "validateHeaderName", "validateHeaderValue"),
  _http_server: () => pick("http", "STATUS_CODES", "Server", "ServerResponse"),
  _tls_common: () => pick("tls", "SecureContext", "createSecureContext"),
  _tls_wrap: () => pick("tls", "TLSSocket", "Server", "connect", "createServer"),
  _stream_wrap: refused.createStreamWrap,
  _stream_duplex: () => loadBuiltin("stream").Duplex,
  _stream_passthrough: () => loadBuiltin("stream").PassThrough,
  _stream_readable: () => loadBuiltin("stream").Readable,
  _stream_transform: () => loadBuiltin("stream").Transform,
  _stream_writable: () => loadBuiltin("stream").Writable,
  assert: createAssert,
  "assert/strict": () => loadBuiltin("assert").strict,
  async_hooks: createAsyncHooks,
  child_process: refused.createChildProcess,
  cluster: refused.createCluster,
  console: createConsoleModule,
  constants: refused.createConstants,
  dgram: refused.createDgram,
  diagnostics_channel: createDiagnosticsChannel,
  domain: refused.createDomain,
  fs: createFs,
  "fs/promises": () => loadBuiltin("fs").promises,
  inspector: refused.createInspector,
  "inspector/promises": refused.createInspector,
  os: createOs,
  perf_hooks: createPerfHooks,
  readline: createReadline,
  "readline/promises": () => loadBuiltin("readline").promises,
  repl: refused.createRepl,
  sqlite: refused.createSqlite, // "node:sqlite" only: a bare "sqlite" is the npm package
  trace_events: refused.createTraceEvents,
  tty: refused.createTty,
  v8: refused.createV8,
  vm: refused.createVm,
  wasi: refused.createWasi,
  worker_threads: refused.createWorkerThreads,
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
  "path/win32": () => loadBuiltin("path").win32,
  process: createProcess,
  punycode: createPunycode,
  querystring: createQuerystring,
  stream: createStream,
  "stream/promises": () => loadBuiltin("stream").promises,
  "stream/consumers": createStreamConsumers,
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

// An object holding some of built-in `name`'s exports.
function pick(name, ...keys) {
  const source = loadBuiltin(name);
  return Object.fromEntries(keys.filter((key) => key in source).map((key) => [key, source[key]]));
}

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
