// Response (Fetch).
import { extractBody, mixinBody } from "./body.js";
import { fillHeaders, getHeader, headersInternals } from "./headers.js";
import { URL } from "./url.js";
import { enumerable, setToStringTag } from "./util.js";
import { ArrayPrototypePush } from "../primordials.js";

const NULL_BODY = new Set([101, 103, 204, 205, 304]);
const REDIRECT = new Set([301, 302, 303, 307, 308]);
// reason-phrase = *( HTAB / SP / VCHAR / obs-text )
const REASON = /^[\t\x20-\x7e\x80-\xff]*$/;

const INTERNAL = Symbol("internal");
let bodyOf;
let headersOf;
let statusOf;
let statusTextOf;
let createResponse;

export class Response {
  #type = "default";
  #status = 200;
  #statusText = "";
  #headers = null;
  #body = null;
  #url = "";
  #urlList = null;

  static {
    bodyOf = (r) => r.#body;
    headersOf = (r) => r.#headers;
    statusOf = (r) => r.#status;
    statusTextOf = (r) => r.#statusText;
    // A response from the network (fetch.js): `headerList` is a flat [name, value, ...]
    // list (lower-case names), `urlList` the URLs it went through.
    createResponse = (status, statusText, headerList, inner, urlList) => {
      const r = new Response(INTERNAL);
      r.#type = "basic";
      r.#status = status;
      r.#statusText = statusText;
      r.#headers = headersInternals.fromList(headerList, "immutable");
      r.#body = inner;
      r.#urlList = urlList;
      r.#url = urlList.length === 0 ? "" : urlList[urlList.length - 1];
      return r;
    };
  }

  constructor(body = null, init = undefined) {
    if (body === INTERNAL) {
      this.#headers = headersInternals.fromList([], "response");
      return;
    }
    if (init !== undefined && init !== null && typeof init !== "object" && typeof init !== "function") {
      throw new TypeError("Failed to construct 'Response': init is not an object");
    }
    init = init ?? {};
    const status = init.status === undefined ? 200 : toUnsignedShort(init.status);
    if (status < 200 || status > 599) {
      throw new RangeError(
        `Failed to construct 'Response': The status provided (${status}) is outside the range [200, 599].`,
      );
    }
    const statusText = init.statusText === undefined ? "" : String(init.statusText);
    if (!REASON.test(statusText)) {
      throw new TypeError("Failed to construct 'Response': Invalid statusText");
    }
    this.#status = status;
    this.#statusText = statusText;
    const headers = headersInternals.fromList([], "response");
    if (init.headers !== undefined) fillHeaders(headers, init.headers);
    this.#headers = headers;
    if (body !== null && body !== undefined) {
      if (NULL_BODY.has(status)) {
        throw new TypeError("Response with null body status cannot have body");
      }
      const { body: inner, contentType } = extractBody(body);
      this.#body = inner;
      if (contentType !== null && getHeader(headersInternals.list(headers), "content-type") === null) {
        ArrayPrototypePush(headersInternals.list(headers), "content-type", contentType);
      }
    }
  }

  static error() {
    const r = new Response(INTERNAL);
    r.#type = "error";
    r.#status = 0;
    headersInternals.setGuard(r.#headers, "immutable");
    return r;
  }

  static redirect(url, status = 302) {
    let parsed;
    try {
      parsed = new URL(String(url)).href;
    } catch {
      throw new TypeError(`Failed to execute 'redirect' on 'Response': Invalid URL: '${url}'`);
    }
    status = toUnsignedShort(status);
    if (!REDIRECT.has(status)) {
      throw new RangeError(`Failed to execute 'redirect' on 'Response': Invalid status code ${status}`);
    }
    const r = new Response(INTERNAL);
    r.#status = status;
    ArrayPrototypePush(headersInternals.list(r.#headers), "location", parsed);
    headersInternals.setGuard(r.#headers, "immutable");
    return r;
  }

  static json(data, init = undefined) {
    const text = JSON.stringify(data);
    if (text === undefined) {
      throw new TypeError("Failed to execute 'json' on 'Response': The data is not JSON serializable");
    }
    const r = new Response(text, init);
    const list = headersInternals.list(r.#headers);
    for (let i = 0; i < list.length; i += 2) {
      if (list[i] === "content-type") {
        if (list[i + 1] === "text/plain;charset=UTF-8") list[i + 1] = "application/json";
        return r;
      }
    }
    ArrayPrototypePush(list, "content-type", "application/json");
    return r;
  }

  get type() {
    return this.#type;
  }
  get url() {
    const u = this.#url;
    if (u === "") return "";
    const i = u.indexOf("#");
    return i === -1 ? u : u.slice(0, i);
  }
  get redirected() {
    return this.#urlList !== null && this.#urlList.length > 1;
  }
  get status() {
    return this.#status;
  }
  get ok() {
    return this.#status >= 200 && this.#status <= 299;
  }
  get statusText() {
    return this.#statusText;
  }
  get headers() {
    return this.#headers;
  }

  clone() {
    if (this.#body !== null && this.#body.used) {
      throw new TypeError("Failed to execute 'clone' on 'Response': Response body is already used");
    }
    const r = new Response(INTERNAL);
    r.#type = this.#type;
    r.#status = this.#status;
    r.#statusText = this.#statusText;
    r.#url = this.#url;
    r.#urlList = this.#urlList;
    r.#headers = headersInternals.fromList(
      headersInternals.list(this.#headers).slice(),
      headersInternals.guard(this.#headers),
    );
    r.#body = this.#body === null ? null : this.#body.clone();
    return r;
  }
}

function toUnsignedShort(v) {
  const n = Number(v);
  if (!Number.isFinite(n)) return 0;
  return ((Math.trunc(n) % 65536) + 65536) % 65536;
}

mixinBody(
  Response,
  (r) => bodyOf(r),
  (r) => getHeader(headersInternals.list(headersOf(r)), "content-type"),
);
setToStringTag(Response, "Response");
enumerable(Response, ["type", "url", "redirected", "status", "ok", "statusText", "headers", "clone"]);

export const responseInternals = {
  create: (status, statusText, headerList, inner, urlList) =>
    createResponse(status, statusText, headerList, inner, urlList),
  body: (r) => bodyOf(r),
  headers: (r) => headersOf(r),
  // The slots, not the getters a function can replace.
  status: (r) => statusOf(r),
  statusText: (r) => statusTextOf(r),
};

