// Deno.serve and request dispatch: the server's requests arrive through the
// `dispatch` hook and leave through the respond ops.
import { ops } from "./web/ops.js";
import { createRequestFromNative, readResponseForNative } from "./web/fetch_internals.js";
import { acceptUpgrade } from "./websocket.js";
import { MapPrototypeDelete, MapPrototypeGet, MapPrototypeSet, SafeMap, SafePromise, SafeTypeError, thenOf } from "./primordials.js";

const state = { handler: null, onError: null };
// Resolves each request's info.completed once its response has been handed over.
const finishers = new SafeMap();

function completed(id) {
  const finish = MapPrototypeGet(finishers, id);
  if (finish !== undefined) {
    MapPrototypeDelete(finishers, id);
    finish();
  }
}

export function hasHandler() {
  return state.handler !== null;
}

// Deno.serve(handler), Deno.serve(options, handler), Deno.serve({ handler, ...options }).
export function serve(optionsOrHandler, maybeHandler) {
  let options = {};
  let handler = maybeHandler;
  if (typeof optionsOrHandler === "function") {
    handler = optionsOrHandler;
  } else if (optionsOrHandler && typeof optionsOrHandler === "object") {
    options = optionsOrHandler;
    handler ??= options.handler;
  }
  if (typeof handler !== "function") {
    throw new TypeError("A handler function must be provided.");
  }
  state.handler = handler;
  state.onError = typeof options.onError === "function" ? options.onError : null;
  let finish;
  const finished = new Promise((resolve) => (finish = resolve));
  const addr = { transport: "tcp", hostname: options.hostname ?? "0.0.0.0", port: options.port ?? 8000 };
  if (typeof options.onListen === "function") options.onListen(addr);
  return {
    finished,
    addr,
    shutdown() {
      state.handler = null;
      finish();
      return Promise.resolve();
    },
    ref() {},
    unref() {},
  };
}

// `export default { fetch }` registers the handler when no Deno.serve call did.
export function adoptDefaultExport(namespace) {
  const exported = namespace.default;
  if (state.handler === null && exported && typeof exported.fetch === "function") {
    state.handler = (request, info) => exported.fetch(request, info);
  }
}

// A request body still arriving (body === true): read it as the function reads it.
function streamedBody(id) {
  return new ReadableStream({
    type: "bytes",
    async pull(controller) {
      const chunk = await ops.body_pull(id);
      if (chunk === null) {
        controller.close();
        controller.byobRequest?.respond(0);
      } else {
        controller.enqueue(chunk);
      }
    },
  });
}

export function dispatch(id, method, url, headers, body, remoteHost, remotePort) {
  let result;
  try {
    const request = createRequestFromNative(method, url, headers, body === true ? streamedBody(id) : body, null);
    const remoteAddr = { transport: "tcp", hostname: remoteHost, port: remotePort };
    let finish;
    const completed = new SafePromise((resolve) => (finish = resolve));
    MapPrototypeSet(finishers, id, finish);
    result = state.handler(request, { remoteAddr, completed });
  } catch (error) {
    fail(id, error);
    return;
  }
  if (result !== null && typeof result === "object" && typeof result.then === "function") {
    thenOf(result, (response) => send(id, response), (error) => fail(id, error));
  } else {
    send(id, result);
  }
}

function send(id, response) {
  if (!(response instanceof Response)) {
    fail(id, new SafeTypeError("Return value from serve handler must be a response or a promise resolving to a response"));
    return;
  }
  if (acceptUpgrade(id, response)) {
    completed(id);
    return;
  }
  let parts;
  try {
    parts = readResponseForNative(response);
  } catch (error) {
    fail(id, error);
    return;
  }
  const { status, statusText, headers, body } = parts;
  if (body === null || typeof body === "string" || body instanceof Uint8Array) {
    ops.respond(id, status, headers, body, statusText);
    completed(id);
  } else {
    stream(id, status, statusText, headers, body);
  }
}

async function stream(id, status, statusText, headers, body) {
  ops.respond_start(id, status, headers, statusText);
  const reader = body.getReader();
  try {
    for (;;) {
      const { value, done } = await reader.read();
      if (done) break;
      // true, false, or (the client is behind) a promise of one: back-pressure.
      let open = ops.respond_chunk(id, value);
      if (open !== true && open !== false) open = await open;
      if (!open) {
        // The client went away: cancel the body, so its producer (an SSE interval,
        // say) stops, as in Deno.
        await reader.cancel(new DOMException("the client closed the connection", "AbortError"));
        break;
      }
    }
    ops.respond_end(id);
  } catch (error) {
    console.error(error);
    ops.respond_error(id);
  }
  completed(id);
}

function fail(id, error) {
  console.error(error);
  if (state.onError !== null) {
    try {
      const onError = state.onError;
      state.onError = null; // an onError that throws must not recurse
      thenOf(
        onError(error),
        (response) => {
          state.onError = onError;
          send(id, response);
        },
        (again) => {
          state.onError = onError;
          console.error(again);
          ops.respond_error(id);
          completed(id);
        },
      );
      return;
    } catch (again) {
      console.error(again);
    }
  }
  ops.respond_error(id);
  completed(id);
}
