// FormData (XHR) and the multipart/form-data and urlencoded body codecs.
import { Blob, File, blobBytes } from "./blob.js";
import { defineIterable } from "./iterators.js";
import { ops } from "./ops.js";
import { URLSearchParams } from "./url.js";
import { concatBytes, enumerable, requiredArgs, setToStringTag, toUSVString } from "./util.js";

function toEntryValue(value, filename, nargs) {
  if (value instanceof Blob) {
    if (!(value instanceof File) || nargs > 2) {
      return new File([value], nargs > 2 ? toUSVString(filename) : "blob", {
        type: value.type,
        lastModified: value instanceof File ? value.lastModified : undefined,
      });
    }
    return value;
  }
  if (nargs > 2) {
    throw new TypeError(
      "Failed to execute 'append' on 'FormData': parameter 2 is not of type 'Blob'.",
    );
  }
  return toUSVString(value);
}

let entriesOf;

export class FormData {
  #entries = [];

  static {
    entriesOf = (fd) => fd.#entries;
  }

  constructor(form = undefined) {
    if (form !== undefined) {
      throw new TypeError("Failed to construct 'FormData': parameter 1 is not of type 'HTMLFormElement'.");
    }
  }

  append(name, value, filename = undefined) {
    requiredArgs(arguments.length, 2, "Failed to execute 'append' on 'FormData'");
    this.#entries.push([toUSVString(name), toEntryValue(value, filename, arguments.length)]);
  }

  delete(name) {
    requiredArgs(arguments.length, 1, "Failed to execute 'delete' on 'FormData'");
    name = toUSVString(name);
    this.#entries = this.#entries.filter((e) => e[0] !== name);
  }

  get(name) {
    requiredArgs(arguments.length, 1, "Failed to execute 'get' on 'FormData'");
    name = toUSVString(name);
    for (const e of this.#entries) if (e[0] === name) return e[1];
    return null;
  }

  getAll(name) {
    requiredArgs(arguments.length, 1, "Failed to execute 'getAll' on 'FormData'");
    name = toUSVString(name);
    const out = [];
    for (const e of this.#entries) if (e[0] === name) out.push(e[1]);
    return out;
  }

  has(name) {
    requiredArgs(arguments.length, 1, "Failed to execute 'has' on 'FormData'");
    name = toUSVString(name);
    return this.#entries.some((e) => e[0] === name);
  }

  set(name, value, filename = undefined) {
    requiredArgs(arguments.length, 2, "Failed to execute 'set' on 'FormData'");
    name = toUSVString(name);
    const entry = [name, toEntryValue(value, filename, arguments.length)];
    const list = this.#entries;
    const i = list.findIndex((e) => e[0] === name);
    if (i === -1) {
      list.push(entry);
      return;
    }
    list[i] = entry;
    this.#entries = list.filter((e, j) => j <= i || e[0] !== name);
  }
}
setToStringTag(FormData, "FormData");
enumerable(FormData, ["append", "delete", "get", "getAll", "has", "set"]);
defineIterable(FormData, "FormData", (fd) => entriesOf(fd).slice());

export function formDataEntries(fd) {
  return entriesOf(fd);
}

// --- multipart/form-data serialisation ---------------------------------------

function escapeName(s) {
  return s.replace(/\n/g, "%0A").replace(/\r/g, "%0D").replace(/"/g, "%22");
}

function normalizeNewlines(s) {
  return s.replace(/\r(?!\n)|(?<!\r)\n/g, "\r\n");
}

// Returns { body: Uint8Array, contentType }.
export function serializeMultipart(fd) {
  const rnd = new Uint8Array(16);
  ops.random_fill(rnd);
  let boundary = "----formdata-sbfn-";
  for (const b of rnd) boundary += (b % 10).toString();
  const chunks = [];
  let text = "";
  const flushText = () => {
    if (text) chunks.push(ops.encode_utf8(text));
    text = "";
  };
  for (const [name, value] of entriesOf(fd)) {
    const n = escapeName(normalizeNewlines(name));
    text += `--${boundary}\r\nContent-Disposition: form-data; name="${n}"`;
    if (typeof value === "string") {
      text += `\r\n\r\n${normalizeNewlines(value)}\r\n`;
    } else {
      text += `; filename="${escapeName(value.name)}"\r\nContent-Type: ${
        value.type || "application/octet-stream"
      }\r\n\r\n`;
      flushText();
      chunks.push(blobBytes(value));
      text = "\r\n";
    }
  }
  text += `--${boundary}--\r\n`;
  flushText();
  return { body: concatBytes(chunks), contentType: `multipart/form-data; boundary=${boundary}` };
}

// --- multipart/form-data parsing ---------------------------------------------

function indexOfBytes(hay, needle, from) {
  const first = needle[0];
  const last = hay.length - needle.length;
  outer: for (let i = hay.indexOf(first, from); i !== -1 && i <= last; i = hay.indexOf(first, i + 1)) {
    for (let j = 1; j < needle.length; j++) if (hay[i + j] !== needle[j]) continue outer;
    return i;
  }
  return -1;
}

function parseParams(header) {
  // form-data; name="a"; filename="b"
  const params = {};
  const re = /;\s*([^=;\s]+)\s*=\s*(?:"((?:[^"\\]|\\.)*)"|([^;]*))/g;
  let m;
  while ((m = re.exec(header)) !== null) {
    const v = m[2] !== undefined ? m[2].replace(/\\(.)/g, "$1") : m[3].trim();
    params[m[1].toLowerCase()] = v.replace(/%0A/gi, "\n").replace(/%0D/gi, "\r").replace(/%22/g, '"');
  }
  return params;
}

function formError() {
  return new TypeError("Body can not be decoded as form data");
}

export function parseMultipart(bytes, boundary) {
  const fd = new FormData();
  const delim = ops.encode_utf8(`--${boundary}`);
  let pos = indexOfBytes(bytes, delim, 0);
  if (pos === -1) throw formError();
  for (;;) {
    pos += delim.length;
    // "--" after a delimiter ends the body.
    if (bytes[pos] === 0x2d && bytes[pos + 1] === 0x2d) break;
    // skip transport padding and CRLF
    while (bytes[pos] === 0x20 || bytes[pos] === 0x09) pos++;
    if (bytes[pos] === 0x0d && bytes[pos + 1] === 0x0a) pos += 2;
    else throw formError();
    const headerEnd = indexOfBytes(bytes, CRLFCRLF, pos);
    if (headerEnd === -1) throw formError();
    const headerText = ops.decode_utf8(bytes.subarray(pos, headerEnd), false, true);
    let disposition = null;
    let contentType = "";
    for (const line of headerText.split("\r\n")) {
      const c = line.indexOf(":");
      if (c === -1) continue;
      const hname = line.slice(0, c).trim().toLowerCase();
      const hval = line.slice(c + 1).trim();
      if (hname === "content-disposition") disposition = hval;
      else if (hname === "content-type") contentType = hval;
    }
    if (disposition === null || !/^form-data\s*(;|$)/i.test(disposition)) throw formError();
    const params = parseParams(disposition);
    if (params.name === undefined) throw formError();
    const bodyStart = headerEnd + 4;
    const next = indexOfBytes(bytes, CRLF_DELIM(delim), bodyStart - 2);
    if (next === -1) throw formError();
    const content = bytes.subarray(bodyStart, Math.max(next, bodyStart));
    if (params.filename !== undefined) {
      fd.append(params.name, new File([content], params.filename, { type: contentType }));
    } else {
      fd.append(params.name, ops.decode_utf8(content, false, false));
    }
    pos = next + 2;
  }
  return fd;
}

const CRLFCRLF = new Uint8Array([13, 10, 13, 10]);
let lastDelim = null;
let lastCrlfDelim = null;
function CRLF_DELIM(delim) {
  if (lastDelim !== delim) {
    lastCrlfDelim = new Uint8Array(delim.length + 2);
    lastCrlfDelim[0] = 13;
    lastCrlfDelim[1] = 10;
    lastCrlfDelim.set(delim, 2);
    lastDelim = delim;
  }
  return lastCrlfDelim;
}

export function parseUrlencoded(text) {
  const fd = new FormData();
  for (const [k, v] of new URLSearchParams(text)) fd.append(k, v);
  return fd;
}

// Extracts the boundary parameter of a multipart/form-data content type.
export function multipartBoundary(contentType) {
  const m = /;\s*boundary\s*=\s*(?:"([^"]+)"|([^;\s]+))/i.exec(contentType);
  return m ? m[1] ?? m[2] : null;
}
