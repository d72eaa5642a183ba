// fetch (Fetch Standard, https://fetch.spec.whatwg.org/#fetch-method): the spec's
// rules — redirects, method and body rewriting, abort, schemes, blocked ports — in
// JavaScript; each HTTP(S) request is one transfer of the worker's libcurl engine
// (fetch/fetch_engine.hpp) through ops.fetch_*, whose events arrive at fetchEvent.
import { atob } from "./base64.js";
import { blobBytes } from "./blob.js";
import { blobFromUrl } from "./blob_url.js";
import { InnerBody } from "./body.js";
import { RequestBodyReader, ResponseBodyPump } from "./body_pump.js";
import { headersInternals } from "./headers.js";
import { ops } from "./ops.js";
import { begin, end } from "../activity.js";
import { call } from "../deno_errors.js";
import { Request, requestInternals } from "./request.js";
import { responseInternals } from "./response.js";
import { isStillReadable, ReadableStream } from "./streams.js";
import { URL } from "./url.js";
import { setToStringTag } from "./util.js";
import { versions } from "sbfn:versions";

// https://fetch.spec.whatwg.org/#bad-port
const BAD_PORTS = new Set([
  1, 7, 9, 11, 13, 15, 17, 19, 20, 21, 22, 23, 25, 37, 42, 43, 53, 69, 77, 79, 87, 95, 101,
  102, 103, 104, 109, 110, 111, 113, 115, 117, 119, 123, 135, 137, 139, 143, 161, 179, 389,
  427, 465, 512, 513, 514, 515, 526, 530, 531, 532, 540, 548, 554, 556, 563, 587, 601, 636,
  989, 990, 993, 995, 1719, 1720, 1723, 2049, 3659, 4045, 4190, 5060, 5061, 6000, 6566, 6665,
  6666, 6667, 6668, 6669, 6679, 6697, 10080,
]);
const REDIRECT_STATUS = new Set([301, 302, 303, 307, 308]);
const MAX_REDIRECTS = 20;
// Dropped when a redirect turns the request into a GET without body.
const BODY_HEADERS = new Set([
  "content-type", "content-length", "content-encoding", "content-language", "content-location",
]);
// The worker's environment (Deno.env), for proxies and extra CA files.
let readEnv = () => undefined;
export function setFetchEnv(get) {
  readEnv = get;
}

// CA files trusted besides the system store, from the worker's environment: DENO_CERT as
// Deno reads it, and OpenSSL's SSL_CERT_FILE for bundles set up for other tools.
export function extraCaFiles() {
  return [readEnv("DENO_CERT"), readEnv("SSL_CERT_FILE")].filter((f) => f);
}

// --- Deno.createHttpClient ------------------------------------------------------------

const clientOptions = new WeakMap();

export class HttpClient {
  constructor(key, options) {
    if (key !== clientOptions) throw new TypeError("Illegal constructor");
    clientOptions.set(this, options);
  }
  close() {}
  [Symbol.dispose]() {}
}
setToStringTag(HttpClient, "HttpClient");

// What node:https's rejectUnauthorized: false asks of a client: no certificate check. Not a
// Deno option; a symbol so that no option name of Deno's can ever mean it.
const kInsecure = Symbol.for("sbfn.httpClient.insecure");

// Deno.createHttpClient({ caCerts, proxy: { url, basicAuth } }).
export function createHttpClient(options = {}) {
  const caCerts = options.caCerts ?? [];
  if (!Array.isArray(caCerts)) throw new TypeError("caCerts must be an array of PEM strings");
  let proxy = "";
  if (options.proxy !== undefined && options.proxy !== null) {
    const url = new URL(String(options.proxy.url));
    if (options.proxy.basicAuth) {
      url.username = encodeURIComponent(options.proxy.basicAuth.username);
      url.password = encodeURIComponent(options.proxy.basicAuth.password);
    }
    proxy = url.href;
  }
  const insecure = options[kInsecure] === true;
  return new HttpClient(clientOptions, { caPem: caCerts.map(String).join("\n"), proxy, insecure });
}

// --- Transfers ------------------------------------------------------------------------

const transfers = new Map(); // id -> handlers for its events

// The fetchEvent hook (worker_fetch.cpp): `kind` is "head" (payload: flat headers),
// "data" (a Uint8Array), "end", "need_body", "connect_error" or "body_error" (a message).
export function fetchEvent(id, kind, payload, status, statusText) {
  const t = transfers.get(id);
  if (t === undefined) return;
  if (kind === "end" || kind === "connect_error" || kind === "body_error") transfers.delete(id);
  try {
    t[kind]?.(payload, status, statusText);
  } catch {
    // A stream the function already closed or errored: its transfer's news is moot, and
    // must not end the worker as an uncaught error would.
  }
}

function proxyFor(url, client) {
  if (client !== null && client.proxy !== "") return client.proxy;
  const env = (name) => readEnv(name) ?? readEnv(name.toUpperCase()) ?? "";
  const proxy = url.protocol === "https:" ? env("https_proxy") : env("http_proxy");
  if (proxy === "") return "";
  const host = url.hostname.toLowerCase();
  for (let entry of env("no_proxy").split(",")) {
    entry = entry.trim().toLowerCase();
    if (entry === "") continue;
    if (entry === "*") return "";
    const colon = entry.lastIndexOf(":");
    if (colon > 0 && /^\d+$/.test(entry.slice(colon + 1)) && !entry.endsWith("]")) {
      if (entry.slice(colon + 1) !== (url.port || (url.protocol === "https:" ? "443" : "80"))) continue;
      entry = entry.slice(0, colon);
    }
    if (entry.startsWith(".")) entry = entry.slice(1);
    if (host === entry || host.endsWith("." + entry)) return "";
  }
  return proxy;
}

// `cause` is the engine's wording of what failed, which is hyper's (what Deno shows).
function connectError(cause) {
  return new TypeError("fetch failed", { cause: new Error(cause) });
}

// One HTTP request on the wire. Resolves with { status, statusText, headers, stream,
// cancel } once the response head arrived; `stream` carries the body with back-pressure.
function transmit(method, url, headerList, body, client, signal) {
  const options = {
    caPem: client?.caPem ?? "",
    caFiles: extraCaFiles(),
    proxy: proxyFor(new URL(url), client),
    decode: !headerList.some((v, i) => i % 2 === 0 && v === "accept-encoding"),
    insecure: client?.insecure ?? false,
  };
  const streamed = body instanceof ReadableStream;
  return new Promise((settle, fail) => {
    // What `sbfn test`'s sanitizers see: the request until its head (or failure) arrives,
    // then its body until the consumer has read it to the end or cancelled it.
    const sending = begin("op", "op_fetch_send");
    const resolve = (value) => {
      end(sending);
      begin("resource", "fetchResponse", () => isStillReadable(stream));
      settle(value);
    };
    const reject = (error) => {
      end(sending);
      fail(error);
    };
    let id;
    try {
      id = call(ops.fetch_start, method, url, headerList, streamed ? true : body ?? undefined, options);
    } catch (error) {
      reject(error);  // NotCapable: the worker's permissions refuse the host
      return;
    }
    const pump = new ResponseBodyPump({
      pause: (paused) => ops.fetch_pause(id, paused),
      abort: () => ops.fetch_abort(id),
      forget: () => transfers.delete(id),
    });
    const stream = pump.stream;
    const bodyReader = streamed
      ? new RequestBodyReader(body, {
        write: (bytes) => ops.fetch_write(id, bytes),
        fail: (error) => {
          pump.giveUp();
          reject(error);
        },
        isDone: () => pump.done,
      })
      : null;
    pump.abortOn(signal, bodyReader, (reason) => {
      pump.error(reason);
      reject(reason);
    });
    transfers.set(id, {
      head(headers, status, statusText) {
        resolve({ status, statusText, headers, stream, id });
      },
      data(chunk) {
        pump.push(chunk);
      },
      end() {
        pump.close();
      },
      connect_error(message) {
        pump.done = true;
        reject(connectError(message));
      },
      body_error() {
        const error = new TypeError("error reading a body from connection");
        pump.error(error);
        reject(error);
      },
      need_body() {
        bodyReader.next();
      },
    });
  });
}

// --- Other schemes --------------------------------------------------------------------

function percentDecode(text) {
  const bytes = [];
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (text[i] === "%" && /^[0-9a-fA-F]{2}$/.test(text.slice(i + 1, i + 3))) {
      bytes.push(parseInt(text.slice(i + 1, i + 3), 16));
      i += 2;
    } else if (c < 0x80) {
      bytes.push(c);
    } else {
      for (const b of ops.encode_utf8(text[i])) bytes.push(b);
    }
  }
  return new Uint8Array(bytes);
}

// https://fetch.spec.whatwg.org/#data-url-processor
function dataUrl(href) {
  const input = href.slice(5);
  const comma = input.indexOf(",");
  if (comma === -1) throw new TypeError("Fetch failed: invalid data: URL");
  let mime = input.slice(0, comma).trim();
  let bytes = percentDecode(input.slice(comma + 1));
  if (/;\s*base64\s*$/i.test(mime)) {
    mime = mime.replace(/;\s*base64\s*$/i, "");
    let binary;
    try {
      binary = atob(String.fromCharCode(...bytes).replace(/[\t\n\f\r ]/g, ""));
    } catch {
      throw new TypeError("Fetch failed: invalid data: URL");
    }
    bytes = new Uint8Array(binary.length);
    for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
  }
  if (mime.startsWith(";")) mime = "text/plain" + mime;
  if (mime === "") mime = "text/plain;charset=US-ASCII";
  return responseInternals.create(200, "OK", ["content-type", mime], new InnerBody(bytes, null), [href]);
}

function blobUrl(href, method) {
  if (method !== "GET") throw new TypeError("Blob URL fetch only supports GET method");
  const blob = blobFromUrl(href);
  if (blob === undefined) throw new TypeError("Blob for the given URL not found.");
  const headers = ["content-length", String(blob.size)];
  if (blob.type !== "") headers.push("content-type", blob.type);
  return responseInternals.create(200, "OK", headers, new InnerBody(blob, null), [href]);
}

function fileUrl(url) {
  let bytes;
  try {
    bytes = ops.read_file(decodeURIComponent(url.pathname));
  } catch (error) {
    throw new TypeError(`Fetch failed: ${error.message}`);
  }
  return responseInternals.create(200, "OK", ["content-length", String(bytes.byteLength)],
    new InnerBody(bytes, null), [url.href]);
}

// --- fetch ----------------------------------------------------------------------------

function requestBodyOf(request) {
  const inner = requestInternals.body(request);
  if (inner === null) return null;
  if (inner.used) throw new TypeError("Body already consumed.");
  inner.consumed = true;
  if (inner.sourceIsCurrent()) {
    const src = inner.source;
    return typeof src === "string" ? ops.encode_utf8(src) : src instanceof Uint8Array ? src : blobBytes(src);
  }
  return inner.stream;
}

export function fetch(input, init = undefined) {
  try {
    return mainFetch(input, init);
  } catch (error) {
    return Promise.reject(error);
  }
}

function mainFetch(input, init) {
  const request = new Request(input, init);
  const signal = request.signal;
  if (signal.aborted) return Promise.reject(signal.reason);
  let client = null;
  if (init !== undefined && init !== null && init.client !== undefined && init.client !== null) {
    client = clientOptions.get(init.client) ?? null;
    if (client === null) throw new TypeError("client is not a Deno.HttpClient");
  }
  let method = request.method;
  const headerList = headersInternals.list(request.headers).slice();
  const has = (name) => headerList.some((v, i) => i % 2 === 0 && v === name);
  if (!has("accept")) headerList.push("accept", "*/*");
  if (!has("accept-language")) headerList.push("accept-language", "*");
  if (!has("user-agent")) headerList.push("user-agent", `Deno/${versions.deno}`);
  let body = requestBodyOf(request);
  const redirectMode = request.redirect;
  return (async () => {
    const urlList = [request.url];
    for (;;) {
      if (signal.aborted) throw signal.reason;
      const href = urlList[urlList.length - 1];
      const url = new URL(href);
      if (url.protocol === "data:") return dataUrl(href);
      if (url.protocol === "file:") return fileUrl(url);
      if (url.protocol === "blob:") return blobUrl(href, method);
      if (url.protocol !== "http:" && url.protocol !== "https:") {
        throw new TypeError(`Url scheme '${url.protocol.slice(0, -1)}' not supported`);
      }
      if (url.port !== "" && BAD_PORTS.has(Number(url.port))) {
        throw new TypeError(`Fetch failed: Requests to port ${url.port} are blocked`);
      }
      const wireUrl = url.hash === "" ? href : href.slice(0, href.indexOf("#"));
      const head = await transmit(method, wireUrl, headerList, body, client, signal);
      const location = REDIRECT_STATUS.has(head.status)
        ? head.headers.find((v, i) => i % 2 === 1 && head.headers[i - 1] === "location")
        : undefined;
      if (location === undefined || redirectMode === "manual") {
        // No body can follow these: the stream would only ever be empty.
        const nullBody = method === "HEAD" || head.status === 204 || head.status === 304;
        const inner = nullBody ? null : new InnerBody(null, head.stream);
        return responseInternals.create(head.status, head.statusText, head.headers, inner, urlList);
      }
      head.stream.cancel().catch(() => {});
      if (redirectMode === "error") {
        throw new TypeError("Fetch failed: Encountered redirect while redirect mode is set to 'error'");
      }
      if (urlList.length > MAX_REDIRECTS) {
        throw new TypeError(`Fetch failed: Maximum number of redirects (${MAX_REDIRECTS}) reached`);
      }
      let next;
      try {
        next = new URL(location, href);
      } catch {
        throw new TypeError(`Fetch failed: Invalid redirect location: '${location}'`);
      }
      // https://fetch.spec.whatwg.org/#http-redirect-fetch, steps 11-13.
      if (head.status !== 303 && body instanceof ReadableStream) {
        throw new TypeError("Fetch failed: Cannot follow a redirect with a streamed request body");
      }
      if (((head.status === 301 || head.status === 302) && method === "POST") ||
          (head.status === 303 && method !== "GET" && method !== "HEAD")) {
        method = "GET";
        body = null;
        for (let i = headerList.length - 2; i >= 0; i -= 2) {
          if (BODY_HEADERS.has(headerList[i])) headerList.splice(i, 2);
        }
      }
      if (next.origin !== url.origin) {
        for (let i = headerList.length - 2; i >= 0; i -= 2) {
          if (headerList[i] === "authorization") headerList.splice(i, 2);
        }
      }
      urlList.push(next.href);
    }
  })();
}
