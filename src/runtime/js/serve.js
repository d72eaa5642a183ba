// Deno.serve and request dispatch: the server's requests arrive through the
// `dispatch` hook and leave through the respond ops.
import { ops } from "./web/ops.js";
import { createRequestFromNative, readResponseForNative } from "./web/fetch_internals.js";
import { acceptUpgrade } from "./websocket.js";
import { begin, end } from "./activity.js";
import { clearAsyncContext } from "./async_context.js";
import { call } from "./deno_errors.js";
import {
  MapPrototypeDelete,
  MapPrototypeGet,
  MapPrototypeSet,
  PromisePrototypeCatch,
  SafeMap,
  SafePromise,
  SafeTypeError,
  thenOf,
} from "./primordials.js";

// The server `sbfn serve` feeds (listener 0); the worker's own listeners by id.
const state = { handler: null, onError: null };
const listeners = new SafeMap();
// The listener of each open request that came through one (serving pays nothing for it).
const servers = new SafeMap();
let listenerRequests = 0;

// The handler's second argument, as Deno's: getters, so a request whose handler never
// asks for the address or for `completed` costs no object and no promise.
let markCompleted;
class ServeHandlerInfo {
  #hostname;
  #port;
  #completed = null;
  #finish = null;
  #done = false;

  static {
    markCompleted = (info) => {
      info.#done = true;
      if (info.#finish !== null) info.#finish();
    };
  }

  constructor(hostname, port) {
    this.#hostname = hostname;
    this.#port = port;
  }
  get remoteAddr() {
    return { transport: "tcp", hostname: this.#hostname, port: this.#port };
  }
  // Resolves once the response has been handed over.
  get completed() {
    if (this.#completed === null) {
      this.#completed = new SafePromise((resolve) => (this.#finish = resolve));
      if (this.#done) this.#finish();
    }
    return this.#completed;
  }
}

function completed(id, info) {
  markCompleted(info);
  if (listenerRequests !== 0) {
    const server = MapPrototypeGet(servers, id);
    if (server !== undefined) {
      MapPrototypeDelete(servers, id);
      listenerRequests--;
      if (--server.open === 0 && server.drained !== null) server.drained();
    }
  }
}

export function hasHandler() {
  return state.handler !== null;
}

// Deno.serve(handler), Deno.serve(options, handler), Deno.serve({ handler, ...options }).
// Served by `sbfn serve`, it registers the handler its requests go to; in a test module,
// it listens on a socket of its own as Deno does (the server's `addr` is then real).
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
  const onError = typeof options.onError === "function" ? options.onError : null;
  const hostname = options.hostname ?? "0.0.0.0";
  const opened = call(ops.serve_listen, hostname, options.port ?? 8000);
  if (opened !== null) return listen(opened, hostname, handler, onError, options);
  state.handler = handler;
  state.onError = onError;
  let finish;
  const finished = new Promise((resolve) => (finish = resolve));
  const addr = { transport: "tcp", hostname, port: options.port ?? 8000 };
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

// A server on a socket of this worker's own: its requests carry its listener id.
function listen([listener, port], hostname, handler, onError, options) {
  const server = { handler, onError, open: 0, drained: null };
  MapPrototypeSet(listeners, listener, server);
  // What Deno's sanitizers see of a server left running past the end of its test.
  const resource = begin("resource", "http");
  const op = begin("op", "op_http_wait");
  let finish;
  const finished = new SafePromise((resolve) => (finish = resolve));
  let closing = null;
  const shutdown = () => {
    if (closing === null) {
      ops.serve_close(listener);
      closing = new SafePromise((resolve) => {
        server.drained = resolve;
        if (server.open === 0) resolve();
      });
      closing = thenOf(closing, () => {
        MapPrototypeDelete(listeners, listener);
        end(resource);
        end(op);
        finish();
      });
    }
    return closing;
  };
  const addr = { __proto__: null, hostname, port, transport: "tcp" };
  if (typeof options.onListen === "function") {
    options.onListen(addr);
  } else {
    console.log(`Listening on http://${hostname}:${port}/`);
  }
  if (options.signal) {
    if (options.signal.aborted) shutdown();
    else options.signal.addEventListener("abort", shutdown, { once: true });
  }
  return {
    finished,
    addr,
    shutdown,
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

// `body`: null, a Uint8Array, a string (an ASCII body: its text and its bytes alike), or
// true (still arriving: streamedBody).
export function dispatch(id, method, url, body, remoteHost, remotePort, listener) {
  clearAsyncContext();
  let server = state;
  if (listener !== 0) {
    server = MapPrototypeGet(listeners, listener);
    if (server === undefined) {
      ops.respond_error(id);
      return;
    }
    server.open++;
    listenerRequests++;
    MapPrototypeSet(servers, id, server);
  }
  const info = new ServeHandlerInfo(remoteHost, remotePort);
  let result;
  try {
    // Its headers stay native until request.headers is first read (request_headers).
    const request = createRequestFromNative(method, url, id, body === true ? streamedBody(id) : body, null);
    result = server.handler(request, info);
  } catch (error) {
    fail(id, info, error);
    return;
  }
  if (result !== null && typeof result === "object" && typeof result.then === "function") {
    thenOf(result, (response) => send(id, info, response), (error) => fail(id, info, error));
  } else {
    send(id, info, result);
  }
}

function send(id, info, response) {
  if (!(response instanceof Response)) {
    fail(id, info, new SafeTypeError("Return value from serve handler must be a response or a promise resolving to a response"));
    return;
  }
  if (acceptUpgrade(id, response)) {
    completed(id, info);
    return;
  }
  let parts;
  try {
    parts = readResponseForNative(response);
  } catch (error) {
    fail(id, info, error);
    return;
  }
  const { status, statusText, headers, body } = parts;
  if (body === null || typeof body === "string" || body instanceof Uint8Array) {
    try {
      // The usual few headers go spread (the op reads arguments faster than an array).
      if (headers.length <= 32) ops.respond(id, status, body, statusText, ...headers);
      else ops.respond(id, status, body, statusText, headers);
    } catch (error) {
      // the native last check of the head (CR/LF, size): nothing went out
      fail(id, info, error);
      return;
    }
    completed(id, info);
  } else {
    stream(id, info, status, statusText, headers, body);
  }
}

async function stream(id, info, status, statusText, headers, body) {
  try {
    ops.respond_start(id, status, headers, statusText);
  } catch (error) {
    if (!body.locked) PromisePrototypeCatch(body.cancel(error), () => {}); // stop its producer
    fail(id, info, error);
    return;
  }
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
  completed(id, info);
}

function fail(id, info, error) {
  const server = MapPrototypeGet(servers, id) ?? state;
  // A server of the worker's own logs only what no onError takes, as Deno's does.
  if (server === state || server.onError === null) console.error(error);
  if (server.onError !== null) {
    try {
      const onError = server.onError;
      server.onError = null; // an onError that throws must not recurse
      thenOf(
        onError(error),
        (response) => {
          server.onError = onError;
          send(id, info, response);
        },
        (again) => {
          server.onError = onError;
          console.error(again);
          ops.respond_error(id);
          completed(id, info);
        },
      );
      return;
    } catch (again) {
      console.error(again);
    }
  }
  ops.respond_error(id);
  completed(id, info);
}
