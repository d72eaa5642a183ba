// EventSource (HTML "Server-sent events"), on top of fetch: one GET per connection, the
// text/event-stream body parsed line by line, reconnection after the stream ends.
import { setTimeout, clearTimeout } from "../timers.js";
import { AbortController } from "./abort.js";
import { DOMException } from "./domexception.js";
import { TextDecoder } from "./encoding.js";
import { defineEventHandler, Event, EventTarget, markTrusted } from "./event.js";
import { fetch } from "./fetch.js";
import { MessageEvent } from "./messaging.js";
import { URL } from "./url.js";
import { defineConstants, enumerable, requiredArgs, setToStringTag, toUSVString } from "./util.js";

const CONNECTING = 0;
const OPEN = 1;
const CLOSED = 2;
// Deno's default reconnection time (the spec leaves it to the user agent).
const DEFAULT_RECONNECTION_MS = 5000;

function isEventStream(contentType) {
  if (contentType === null) return false;
  return contentType.split(";")[0].trim().toLowerCase() === "text/event-stream";
}

export class EventSource extends EventTarget {
  #url;
  #withCredentials;
  #readyState = CONNECTING;
  #reconnectionMs = DEFAULT_RECONNECTION_MS;
  #lastEventId = "";
  #abort = new AbortController();
  #timer = undefined;

  constructor(url, eventSourceInitDict = undefined) {
    const prefix = "Failed to construct 'EventSource'";
    requiredArgs(arguments.length, 1, prefix);
    super();
    const text = toUSVString(url);
    let parsed;
    try {
      parsed = new URL(text);
    } catch (e) {
      throw new DOMException(e.message, "SyntaxError");
    }
    this.#url = parsed.href;
    this.#withCredentials = Boolean(eventSourceInitDict?.withCredentials);
    this.#connect();
  }

  get url() {
    return this.#url;
  }
  get withCredentials() {
    return this.#withCredentials;
  }
  get readyState() {
    return this.#readyState;
  }

  close() {
    this.#readyState = CLOSED;
    clearTimeout(this.#timer);
    this.#abort.abort();
  }

  #fire(event) {
    this.dispatchEvent(markTrusted(event));
  }

  async #connect() {
    const headers = { accept: "text/event-stream", "cache-control": "no-store" };
    if (this.#lastEventId !== "") headers["last-event-id"] = this.#lastEventId;
    let response;
    try {
      response = await fetch(this.#url, {
        headers,
        cache: "no-store",
        credentials: this.#withCredentials ? "include" : "same-origin",
        signal: this.#abort.signal,
      });
    } catch {
      // A network error (or close(), which #reestablish ignores): try again later.
      this.#reestablish();
      return;
    }
    if (response.status !== 200 || !isEventStream(response.headers.get("content-type"))) {
      response.body?.cancel().catch(() => {});
      this.#fail();
      return;
    }
    if (this.#readyState === CLOSED) return;
    this.#readyState = OPEN;
    this.#fire(new Event("open"));
    try {
      await this.#read(response);
    } catch {
      // The stream broke: reconnect below, as after a clean end.
    }
    this.#reestablish();
  }

  // Reads the body, splitting it into lines at CR, LF or CRLF (even across chunks).
  async #read(response) {
    const origin = new URL(response.url || this.#url).origin;
    const decoder = new TextDecoder(); // drops a leading BOM
    const state = { data: "", type: "", id: this.#lastEventId };
    let pending = "";
    let skipLF = false;
    const reader = response.body.getReader();
    for (;;) {
      const { value, done } = await reader.read();
      if (this.#readyState === CLOSED) return;
      pending += done ? decoder.decode() : decoder.decode(value, { stream: true });
      let start = 0;
      for (let i = 0; i < pending.length; i++) {
        const c = pending.charCodeAt(i);
        if (c === 10 && skipLF && i === start) {
          skipLF = false;
          start = i + 1;
          continue;
        }
        skipLF = false;
        if (c === 10 || c === 13) {
          this.#line(pending.slice(start, i), state, origin);
          if (this.#readyState === CLOSED) return;
          skipLF = c === 13;
          start = i + 1;
        }
      }
      pending = pending.slice(start);
      // An event cut off by the end of the stream is discarded (spec).
      if (done) return;
    }
  }

  #line(line, state, origin) {
    if (line === "") {
      this.#lastEventId = state.id;
      if (state.data === "") {
        state.type = "";
        return;
      }
      const data = state.data.endsWith("\n") ? state.data.slice(0, -1) : state.data;
      const event = new MessageEvent(state.type || "message", {
        data,
        origin,
        lastEventId: this.#lastEventId,
      });
      state.data = "";
      state.type = "";
      this.#fire(event);
      return;
    }
    if (line.charCodeAt(0) === 58) return; // ":" a comment
    const colon = line.indexOf(":");
    let field = line;
    let value = "";
    if (colon !== -1) {
      field = line.slice(0, colon);
      value = line.slice(colon + 1);
      if (value.charCodeAt(0) === 32) value = value.slice(1);
    }
    switch (field) {
      case "event":
        state.type = value;
        break;
      case "data":
        state.data += value + "\n";
        break;
      case "id":
        if (!value.includes("\0")) state.id = value;
        break;
      case "retry":
        if (/^[0-9]+$/.test(value)) this.#reconnectionMs = Number(value);
        break;
      default:
        break;
    }
  }

  // The stream ended or the network failed: error event, then a new request after the
  // reconnection time.
  #reestablish() {
    if (this.#readyState === CLOSED) return;
    this.#readyState = CONNECTING;
    this.#fire(new Event("error"));
    if (this.#readyState === CLOSED) return;
    this.#timer = setTimeout(() => {
      if (this.#readyState !== CONNECTING) return;
      this.#connect();
    }, this.#reconnectionMs);
  }

  // A non-200 status or another content type: no retry.
  #fail() {
    if (this.#readyState === CLOSED) return;
    this.#readyState = CLOSED;
    this.#fire(new Event("error"));
  }
}

defineConstants(EventSource, { CONNECTING, OPEN, CLOSED });
for (const type of ["open", "message", "error"]) defineEventHandler(EventSource.prototype, type);
setToStringTag(EventSource, "EventSource");
enumerable(EventSource, ["url", "withCredentials", "readyState", "close"]);
