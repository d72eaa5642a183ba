// The Web platform globals of sbfn workers. main.js calls installWebGlobals(globalThis)
// once, at snapshot build time.
import "./polyfills.js";
import "./v8_guards.js";
import { AbortController, AbortSignal } from "./abort.js";
import { atob, btoa } from "./base64.js";
import { Blob, File } from "./blob.js";
import "./blob_url.js";
import { Console, createConsole } from "./console.js";
import { CompressionStream, DecompressionStream } from "./compression.js";
import { Crypto, crypto } from "./crypto.js";
import { CryptoKey, SubtleCrypto } from "./subtle.js";
import { DOMException } from "./domexception.js";
import { TextDecoder, TextEncoder } from "./encoding.js";
import { TextDecoderStream, TextEncoderStream } from "./encoding_streams.js";
import {
  CustomEvent,
  defineEventHandler,
  ErrorEvent,
  Event,
  EventTarget,
  PromiseRejectionEvent,
} from "./event.js";
import { FileReader, ProgressEvent } from "./file_reader.js";
import { EventSource } from "./event_source.js";
import { fetch } from "./fetch.js";
import { FormData } from "./formdata.js";
import { Headers } from "./headers.js";
import { queueMicrotask, reportError } from "./microtask.js";
import { BroadcastChannel, MessageChannel, MessageEvent, MessagePort } from "./messaging.js";
import { Navigator, navigator } from "./navigator.js";
import {
  Performance,
  performance,
  PerformanceEntry,
  PerformanceMark,
  PerformanceMeasure,
} from "./performance.js";
import { Request } from "./request.js";
import { Response } from "./response.js";
import { streamGlobals } from "./streams.js";
import { structuredClone } from "./structured_clone.js";
import { URL, URLSearchParams } from "./url.js";
import { URLPattern } from "./urlpattern.js";
import { defineGlobals } from "./util.js";

export { inspect } from "./inspect.js";
export { customInspect, setPromiseStateHook } from "./inspect.js";
export { formatArgs, createConsole } from "./console.js";
export { reportError } from "./microtask.js";
export { markTrusted, defineEventHandler } from "./event.js";
export { dispatchLifecycle, dispatchUncaught } from "./global_events.js";
export { installWasmStreaming } from "./wasm_streaming.js";

export function installWebGlobals(g) {
  defineGlobals(g, {
    // DOM
    DOMException,
    Event,
    EventTarget,
    CustomEvent,
    ErrorEvent,
    PromiseRejectionEvent,
    AbortController,
    AbortSignal,
    // Encoding
    TextEncoder,
    TextDecoder,
    TextEncoderStream,
    TextDecoderStream,
    // HTML
    atob,
    btoa,
    structuredClone,
    queueMicrotask,
    reportError,
    MessageEvent,
    MessageChannel,
    MessagePort,
    BroadcastChannel,
    Navigator,
    navigator,
    // URL
    URL,
    URLSearchParams,
    URLPattern,
    // Streams
    ...streamGlobals,
    CompressionStream,
    DecompressionStream,
    // File API, XHR, Fetch
    Blob,
    File,
    FileReader,
    ProgressEvent,
    FormData,
    Headers,
    Request,
    Response,
    fetch,
    EventSource,
    // Console, crypto, performance
    Console,
    console: createConsole(),
    Crypto,
    CryptoKey,
    SubtleCrypto,
    crypto,
    Performance,
    PerformanceEntry,
    PerformanceMark,
    PerformanceMeasure,
    performance,
  });
  // `self` (WinterTC): the global itself.
  if (!Object.prototype.hasOwnProperty.call(g, "self")) defineGlobals(g, { self: g });
  // The global scope is an EventTarget (WinterTC): reportError fires "error" at it.
  if (typeof g.addEventListener !== "function") {
    const p = EventTarget.prototype;
    defineGlobals(g, {
      addEventListener: p.addEventListener,
      removeEventListener: p.removeEventListener,
      dispatchEvent: p.dispatchEvent,
    });
  }
  for (const type of ["error", "unhandledrejection", "rejectionhandled"]) {
    if (!(`on${type}` in g)) defineEventHandler(g, type);
  }
}

