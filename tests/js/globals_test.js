import { assert, assertEquals, assertStrictEquals, assertThrows } from "./assert.js";

const interfaces = [
  "DOMException", "Event", "EventTarget", "CustomEvent", "ErrorEvent", "PromiseRejectionEvent",
  "AbortController", "AbortSignal", "TextEncoder", "TextDecoder", "TextEncoderStream",
  "TextDecoderStream", "URL", "URLSearchParams", "ReadableStream", "ReadableStreamDefaultReader",
  "ReadableStreamBYOBReader", "ReadableStreamBYOBRequest", "ReadableStreamDefaultController",
  "ReadableByteStreamController", "WritableStream", "WritableStreamDefaultWriter",
  "WritableStreamDefaultController", "TransformStream", "TransformStreamDefaultController",
  "ByteLengthQueuingStrategy", "CountQueuingStrategy", "Blob", "File", "FormData", "Headers",
  "Request", "Response", "Crypto", "CryptoKey", "SubtleCrypto", "Performance", "Navigator", "URLPattern", "CompressionStream",
  "DecompressionStream", "EventSource", "MessageEvent", "MessageChannel", "MessagePort", "BroadcastChannel",
  "FileReader", "ProgressEvent",
];

// Deno installs EventSource as an enumerable lazy accessor, against Web IDL (interface
// objects are non-enumerable): enumerability is checked when it is a data property.
const enumerableAccessors = new Set(["EventSource"]);

// Deno installs some globals as lazy accessors; a data property must be writable.
Deno.test("globals: interfaces are non-enumerable, configurable (writable if data)", () => {
  for (const name of interfaces) {
    const d = Object.getOwnPropertyDescriptor(globalThis, name);
    assert(d !== undefined, `${name} missing`);
    assertStrictEquals(typeof globalThis[name], "function", name);
    if (!("get" in d && enumerableAccessors.has(name))) {
      assertStrictEquals(d.enumerable, false, `${name} enumerable`);
    }
    assertStrictEquals(d.configurable, true, `${name} configurable`);
    if ("value" in d) assertStrictEquals(d.writable, true, `${name} writable`);
    assertStrictEquals(globalThis[name].name, name, `${name}.name`);
  }
});

Deno.test("globals: functions and objects exist", () => {
  for (const name of ["atob", "btoa", "structuredClone", "queueMicrotask", "reportError"]) {
    assertStrictEquals(typeof globalThis[name], "function", name);
    assertStrictEquals(globalThis[name].name, name);
    assertStrictEquals(Object.getOwnPropertyDescriptor(globalThis, name).configurable, true, name);
  }
  for (const name of ["console", "crypto", "performance", "navigator"]) {
    assertStrictEquals(typeof globalThis[name], "object", name);
    assertStrictEquals(Object.getOwnPropertyDescriptor(globalThis, name).configurable, true, name);
  }
});

Deno.test("globals: Symbol.toStringTag of instances", () => {
  const cases = [
    [new Event("x"), "Event"],
    [new EventTarget(), "EventTarget"],
    [new AbortController(), "AbortController"],
    [new AbortController().signal, "AbortSignal"],
    [new TextEncoder(), "TextEncoder"],
    [new TextDecoder(), "TextDecoder"],
    [new URL("http://x/"), "URL"],
    [new URLSearchParams(), "URLSearchParams"],
    [new ReadableStream(), "ReadableStream"],
    [new Blob(), "Blob"],
    [new File([], "f"), "File"],
    [new FormData(), "FormData"],
    [new Headers(), "Headers"],
    [new Request("http://x/"), "Request"],
    [new Response(), "Response"],
    [crypto, "Crypto"],
    [performance, "Performance"],
    [new DOMException("m"), "DOMException"],
    [new URLPattern({}), "URLPattern"],
    [new CompressionStream("gzip"), "CompressionStream"],
    [new DecompressionStream("gzip"), "DecompressionStream"],
    [new MessageEvent("message"), "MessageEvent"],
    [new FileReader(), "FileReader"],
    [new ProgressEvent("load"), "ProgressEvent"],
  ];
  for (const [obj, tag] of cases) {
    assertEquals(Object.prototype.toString.call(obj), `[object ${tag}]`);
  }
});

Deno.test("globals: illegal constructors", () => {
  assertThrows(() => new AbortSignal(), TypeError);
  assertThrows(() => new Crypto(), TypeError);
  assertThrows(() => new Navigator(), TypeError);
  assertThrows(() => new Performance(), TypeError);
  assertThrows(() => AbortSignal(), TypeError);
  assertThrows(() => new MessagePort(), TypeError);
});

Deno.test("globals: self is the global object", () => {
  assertStrictEquals(globalThis.self, globalThis);
});
