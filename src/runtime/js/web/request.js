// Request (Fetch).
import { followSignal, AbortSignal, newAbortSignal } from "./abort.js";
import { extractBody, InnerBody, mixinBody } from "./body.js";
import { fillHeaders, getHeader, Headers, headersInternals } from "./headers.js";
import { URL } from "./url.js";
import { enumerable, requiredArgs, setToStringTag } from "./util.js";
import { ArrayPrototypePush } from "../primordials.js";
import { ops } from "./ops.js";

const TOKEN = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;
const NORMALIZED = {
  delete: "DELETE",
  get: "GET",
  head: "HEAD",
  options: "OPTIONS",
  post: "POST",
  put: "PUT",
};
const FORBIDDEN = new Set(["CONNECT", "TRACE", "TRACK"]);

function normalizeMethod(m) {
  const s = String(m);
  if (!TOKEN.test(s)) throw new TypeError(`Method is not valid: "${s}"`);
  const upper = s.toUpperCase();
  if (FORBIDDEN.has(upper)) throw new TypeError(`Method is forbidden: "${s}"`);
  return NORMALIZED[s.toLowerCase()] ?? s;
}

const ENUMS = {
  mode: ["navigate", "same-origin", "no-cors", "cors"],
  credentials: ["omit", "same-origin", "include"],
  cache: ["default", "no-store", "reload", "no-cache", "force-cache", "only-if-cached"],
  redirect: ["follow", "error", "manual"],
  referrerPolicy: [
    "", "no-referrer", "no-referrer-when-downgrade", "same-origin", "origin", "strict-origin",
    "origin-when-cross-origin", "strict-origin-when-cross-origin", "unsafe-url",
  ],
  duplex: ["half"],
  priority: ["high", "low", "auto"],
};

function enumValue(key, v) {
  const s = String(v);
  if (!ENUMS[key].includes(s)) {
    throw new TypeError(`Failed to construct 'Request': The provided value '${s}' is not a valid enum value of type Request${key[0].toUpperCase()}${key.slice(1)}.`);
  }
  return s;
}

function parseUrl(input) {
  try {
    return new URL(input).href;
  } catch {
    throw new TypeError(`Failed to construct 'Request': Invalid URL: '${input}'`);
  }
}

const INTERNAL = Symbol("internal");
let bodyOf;
let headersOf;
let createRequest;

export class Request {
  #method = "GET";
  #url = "";
  #headers = null; // Headers, or built lazily from #rawHeaders
  #rawHeaders = null;
  #body = null; // InnerBody | null
  #signal = null;
  #opts = null; // non-default mode/credentials/... (rarely set)

  static {
    bodyOf = (r) => r.#body;
    headersOf = (r) => r.headers;
    createRequest = (method, url, rawHeaders, body, signal) => {
      const r = new Request(INTERNAL);
      r.#method = method;
      r.#url = url;
      r.#rawHeaders = rawHeaders;
      r.#body = body;
      r.#signal = signal;
      return r;
    };
  }

  constructor(input, init = undefined) {
    if (input === INTERNAL) return;
    requiredArgs(arguments.length, 1, "Failed to construct 'Request'");
    if (init !== undefined && init !== null && typeof init !== "object" && typeof init !== "function") {
      throw new TypeError("Failed to construct 'Request': init is not an object");
    }
    init = init ?? {};
    let inputBody = null;
    let parentSignal = null;
    let headerSource;
    if (input instanceof Request) {
      this.#method = input.#method;
      this.#url = input.#url;
      this.#opts = input.#opts === null ? null : { ...input.#opts };
      headerSource = input.headers;
      inputBody = input.#body;
      parentSignal = input.signal;
    } else {
      this.#url = parseUrl(String(input));
    }
    if (init.method !== undefined) this.#method = normalizeMethod(init.method);
    for (const key of ["mode", "credentials", "cache", "redirect", "referrerPolicy", "priority"]) {
      if (init[key] !== undefined) {
        (this.#opts ??= {})[key] = enumValue(key, init[key]);
      }
    }
    if (init.mode === "navigate") {
      throw new TypeError("Failed to construct 'Request': Cannot construct a Request with a RequestInit whose mode member is set as 'navigate'.");
    }
    if (init.integrity !== undefined) (this.#opts ??= {}).integrity = String(init.integrity);
    if (init.keepalive !== undefined) (this.#opts ??= {}).keepalive = !!init.keepalive;
    if (init.referrer !== undefined) {
      const ref = String(init.referrer);
      (this.#opts ??= {}).referrer = ref === "" ? "" : ref === "about:client" ? "about:client" : parseUrl(ref);
    }
    if (init.signal !== undefined && init.signal !== null) {
      if (!(init.signal instanceof AbortSignal)) {
        throw new TypeError("Failed to construct 'Request': member signal is not of type AbortSignal.");
      }
      parentSignal = init.signal;
    }
    this.#signal = parentSignal === null ? null : followSignal(parentSignal);

    const headers = new Headers();
    headersInternals.setGuard(headers, "request");
    const hinit = init.headers !== undefined ? init.headers : headerSource;
    if (hinit !== undefined) fillHeaders(headers, hinit);
    this.#headers = headers;

    const hasInitBody = init.body !== undefined && init.body !== null;
    if ((hasInitBody || (inputBody !== null && init.body === undefined)) &&
        (this.#method === "GET" || this.#method === "HEAD")) {
      throw new TypeError("Request with GET/HEAD method cannot have body.");
    }
    if (hasInitBody) {
      const { body, contentType } = extractBody(init.body);
      if (contentType !== null && !headers.has("content-type")) {
        ArrayPrototypePush(headersInternals.list(headers), "content-type", contentType);
      }
      this.#body = body;
    } else if (inputBody !== null && init.body === undefined) {
      if (inputBody.used) throw new TypeError("Cannot construct a Request with a Request object that has already been used.");
      // The new request takes over the input's body.
      this.#body = takeOver(inputBody);
    }
    if (init.duplex !== undefined) enumValue("duplex", init.duplex);
  }

  get method() {
    return this.#method;
  }
  get url() {
    return this.#url;
  }
  get headers() {
    let h = this.#headers;
    if (h === null) {
      let raw = this.#rawHeaders;
      if (typeof raw === "number") {
        // A served request's id: its headers are asked for while it is open, as in Deno.
        raw = ops.request_headers(raw);
        if (raw === null) throw new TypeError("Request closed");
      }
      h = raw === null ? headersInternals.fromList([], "request") : headersInternals.fromNative(raw, "request");
      this.#rawHeaders = null;
      this.#headers = h;
    }
    return h;
  }
  get destination() {
    return "";
  }
  get referrer() {
    return this.#opts?.referrer ?? "about:client";
  }
  get referrerPolicy() {
    return this.#opts?.referrerPolicy ?? "";
  }
  get mode() {
    return this.#opts?.mode ?? "cors";
  }
  get credentials() {
    return this.#opts?.credentials ?? "same-origin";
  }
  get cache() {
    return this.#opts?.cache ?? "default";
  }
  get redirect() {
    return this.#opts?.redirect ?? "follow";
  }
  get integrity() {
    return this.#opts?.integrity ?? "";
  }
  get keepalive() {
    return this.#opts?.keepalive ?? false;
  }
  get isReloadNavigation() {
    return false;
  }
  get isHistoryNavigation() {
    return false;
  }
  get signal() {
    return (this.#signal ??= newAbortSignal());
  }
  get duplex() {
    return "half";
  }

  clone() {
    if (this.#body !== null && this.#body.used) {
      throw new TypeError("Failed to execute 'clone' on 'Request': Request body is already used");
    }
    const r = new Request(INTERNAL);
    r.#method = this.#method;
    r.#url = this.#url;
    r.#headers = headersInternals.fromList(headersInternals.list(this.headers).slice(), "request");
    r.#body = this.#body === null ? null : this.#body.clone();
    r.#signal = followSignal(this.signal);
    r.#opts = this.#opts === null ? null : { ...this.#opts };
    return r;
  }
}

function takeOver(inner) {
  const b = new InnerBody(inner.source, inner.stream);
  b.shared = inner.shared;
  inner.consumed = true;
  return b;
}

mixinBody(
  Request,
  (r) => bodyOf(r),
  (r) => getHeader(headersInternals.list(headersOf(r)), "content-type"),
);
setToStringTag(Request, "Request");
enumerable(Request, [
  "method", "url", "headers", "destination", "referrer", "referrerPolicy", "mode", "credentials",
  "cache", "redirect", "integrity", "keepalive", "isReloadNavigation", "isHistoryNavigation",
  "signal", "duplex", "clone",
]);

export const requestInternals = {
  create: (method, url, rawHeaders, body, signal) => createRequest(method, url, rawHeaders, body, signal),
  body: (r) => bodyOf(r),
};
