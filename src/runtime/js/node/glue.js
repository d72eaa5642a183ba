// The worker snapshot's side of the node: layer. The layer itself (index.js and what it
// imports) is a separate bundle that ops.node_layer compiles on first use; this file hands
// it the runtime's objects and forwards the loader's hooks to it.
import { ops } from "../web/ops.js";
import { inspect } from "../web/inspect.js";
import { createConsole, formatArgs } from "../web/console.js";
import { envApi, exit, memoryUsage } from "../deno.js";
import { call } from "../deno_errors.js";
import { netApi, nodeTls } from "../deno_net.js";
import { versions } from "sbfn:versions";
import { TextDecoder, TextEncoder } from "../web/encoding.js";
import { TextDecoderStream, TextEncoderStream } from "../web/encoding_streams.js";
import { CompressionStream, DecompressionStream } from "../web/compression.js";
import { Blob, File } from "../web/blob.js";
import { blobFromUrl } from "../web/blob_url.js";
import { atob, btoa } from "../web/base64.js";
import { URL, URLSearchParams } from "../web/url.js";
import { crypto } from "../web/crypto.js";
import { isCryptoKey, keyHandle } from "../web/crypto_key.js";
import { importKeySync } from "../web/subtle.js";
import { streamGlobals } from "../web/streams.js";
import * as timers from "../timers.js";
import { workerInfo } from "./worker_info.js";
import { asyncContextActive, captureAsyncContext, enableAsyncContext, runInAsyncContext } from "../async_context.js";

let layer;

function nodeLayer() {
  layer ??= ops.node_layer().init({
    ops,
    inspect,
    formatArgs,
    createConsole,
    envApi,
    exitWorker: exit,
    denoMemoryUsage: memoryUsage,
    call,
    versions,
    TextDecoder,
    TextEncoder,
    TextDecoderStream,
    TextEncoderStream,
    CompressionStream,
    DecompressionStream,
    Blob,
    File,
    atob,
    btoa,
    URL,
    URLSearchParams,
    webcrypto: crypto,
    cryptoKeys: { isCryptoKey, keyHandle, importKeySync },
    streamGlobals,
    timers: { ...timers },
    workerInfo,
    net: { ...netApi, ...nodeTls },
    blobFromUrl,
    asyncContext: { enable: enableAsyncContext, active: asyncContextActive, capture: captureAsyncContext, run: runInAsyncContext },
  });
  return layer;
}

// The hooks the C++ loader calls (main.js): a built-in's exports by name, and
// module.exports of the CommonJS module at a URL.
export function loadBuiltin(name) {
  return nodeLayer().loadBuiltin(name);
}

export function requireUrl(url) {
  return nodeLayer().requireUrl(url);
}
