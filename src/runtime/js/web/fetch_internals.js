// Hooks for the C++ glue (main.js): building Requests from native data and
// reading Responses back without needless copies.
import { InnerBody } from "./body.js";
import { blobBytes } from "./blob.js";
import { headersInternals } from "./headers.js";
import { requestInternals } from "./request.js";
import { responseInternals } from "./response.js";
import { isDisturbed, ReadableStream } from "./streams.js";
import { PromisePrototypeCatch } from "../primordials.js";

// method: upper-case method string; url: absolute URL string (trusted);
// headerPairs: flat [name, value, ...] (trusted, validated natively; copied
// lazily on first `request.headers` use), or the id of a served request whose headers
// op request_headers gives while it is open; body: null | Uint8Array | ReadableStream;
// signal: AbortSignal | null | undefined.
export function createRequestFromNative(method, url, headerPairs, body, signal) {
  let inner = null;
  if (body !== null && body !== undefined) {
    inner =
      body instanceof ReadableStream ? new InnerBody(null, body) : new InnerBody(body, null);
  }
  return requestInternals.create(method, url, headerPairs, inner, signal ?? null);
}

// Returns { status, statusText, headers: [name, value, ...], body } where body is
// null, a string, a Uint8Array (content fully known) or a ReadableStream.
// The response body is marked used.
export function readResponseForNative(response) {
  const headers = headersInternals.rawFlat(responseInternals.headers(response));
  const inner = responseInternals.body(response);
  let body = null;
  if (inner !== null) {
    if (inner.used) throw new TypeError("Response body is already used");
    if (inner.sourceIsCurrent()) {
      const src = inner.source;
      body = typeof src === "string" || src instanceof Uint8Array ? src : blobBytes(src);
      inner.consumed = true;
      if (inner.stream !== null && !inner.stream.locked) PromisePrototypeCatch(inner.stream.cancel(), () => {});
    } else {
      body = inner.stream;
    }
  }
  return {
    status: responseInternals.status(response),
    statusText: responseInternals.statusText(response),
    headers,
    body,
  };
}

export { isDisturbed };
