// What the node: layer uses of the runtime. The layer is a bundle of its own, compiled in a
// worker on first use (glue.js), so it cannot import the runtime's modules: it would get
// copies of them (a second timer table, a second TextDecoder class). The runtime hands
// over its own objects instead, once, before any built-in is made; importers see them
// through these live bindings.
export let ops;
export let inspect;
export let formatArgs;
export let envApi;
export let exitWorker;
export let denoMemoryUsage;
export let call;
export let versions;
export let TextDecoder;
export let TextEncoder;
export let TextDecoderStream;
export let TextEncoderStream;
export let CompressionStream;
export let DecompressionStream;
export let Blob;
export let File;
export let atob;
export let btoa;
export let URL;
export let URLSearchParams;
export let webcrypto;
export let streamGlobals;
export let timers;
export let workerInfo;

export function setRuntime(internals) {
  ({
    ops,
    inspect,
    formatArgs,
    envApi,
    exitWorker,
    denoMemoryUsage,
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
    webcrypto,
    streamGlobals,
    timers,
    workerInfo,
  } = internals);
}
