// FileReader (File API) and the ProgressEvent it fires (XHR).
import { btoa } from "./base64.js";
import { Blob, blobBytes } from "./blob.js";
import { DOMException } from "./domexception.js";
import { getEncodingName, TextDecoder } from "./encoding.js";
import { defineEventHandler, Event, EventTarget, markTrusted } from "./event.js";
import { defineConstants, enumerable, requiredArgs, setToStringTag } from "./util.js";
import { setTimeout } from "../timers.js";

export class ProgressEvent extends Event {
  #lengthComputable;
  #loaded;
  #total;
  constructor(type, eventInitDict = undefined) {
    requiredArgs(arguments.length, 1, "Failed to construct 'ProgressEvent'");
    super(type, eventInitDict);
    const init = eventInitDict ?? {};
    this.#lengthComputable = !!init.lengthComputable;
    this.#loaded = init.loaded === undefined ? 0 : Number(init.loaded);
    this.#total = init.total === undefined ? 0 : Number(init.total);
  }
  get lengthComputable() {
    return this.#lengthComputable;
  }
  get loaded() {
    return this.#loaded;
  }
  get total() {
    return this.#total;
  }
}
setToStringTag(ProgressEvent, "ProgressEvent");
enumerable(ProgressEvent, ["lengthComputable", "loaded", "total"]);

const EMPTY = 0;
const LOADING = 1;
const DONE = 2;

const nextTask = () => new Promise((resolve) => setTimeout(resolve, 0));

function binaryString(bytes) {
  let out = "";
  for (let i = 0; i < bytes.length; i += 8192) {
    out += String.fromCharCode.apply(null, bytes.subarray(i, i + 8192));
  }
  return out;
}

// The blob's type's charset parameter, if any (File API "get an encoding").
function charsetOf(type) {
  const m = /;\s*charset\s*=\s*"?([^";]*)"?/i.exec(type);
  return m ? m[1] : undefined;
}

function packageData(bytes, kind, blob, label) {
  switch (kind) {
    case "ArrayBuffer":
      return bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength);
    case "BinaryString":
      return binaryString(bytes);
    case "DataURL":
      return `data:${blob.type || "application/octet-stream"};base64,${btoa(binaryString(bytes))}`;
    default: {
      let encoding = label === undefined ? undefined : getEncodingName(label);
      if (encoding === undefined) {
        const charset = charsetOf(blob.type);
        if (charset !== undefined) encoding = getEncodingName(charset);
      }
      // BOM sniffing overrides the label (Encoding "decode").
      if (bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf) encoding = "utf-8";
      else if (bytes[0] === 0xfe && bytes[1] === 0xff) encoding = "utf-16be";
      else if (bytes[0] === 0xff && bytes[1] === 0xfe) encoding = "utf-16le";
      return new TextDecoder(encoding ?? "utf-8").decode(bytes);
    }
  }
}

export class FileReader extends EventTarget {
  #state = EMPTY;
  #result = null;
  #error = null;
  #operation = 0; // bumped by abort() and each read, so a stale read stops

  get readyState() {
    return this.#state;
  }
  get result() {
    return this.#result;
  }
  get error() {
    return this.#error;
  }

  readAsArrayBuffer(blob) {
    this.#read(blob, "ArrayBuffer", "readAsArrayBuffer", arguments.length);
  }
  readAsBinaryString(blob) {
    this.#read(blob, "BinaryString", "readAsBinaryString", arguments.length);
  }
  readAsText(blob, encoding = undefined) {
    this.#read(blob, "Text", "readAsText", arguments.length, encoding === undefined ? undefined : String(encoding));
  }
  readAsDataURL(blob) {
    this.#read(blob, "DataURL", "readAsDataURL", arguments.length);
  }

  abort() {
    if (this.#state === EMPTY || this.#state === DONE) {
      this.#result = null;
      return;
    }
    this.#operation++;
    this.#state = DONE;
    this.#result = null;
    this.#fire("abort");
    this.#fire("loadend");
  }

  #fire(type, loaded = 0, total = 0) {
    this.dispatchEvent(markTrusted(new ProgressEvent(type, { lengthComputable: total > 0, loaded, total })));
  }

  #read(blob, kind, method, argc, label) {
    requiredArgs(argc, 1, `Failed to execute '${method}' on 'FileReader'`);
    if (!(blob instanceof Blob)) {
      throw new TypeError(`Failed to execute '${method}' on 'FileReader': parameter 1 is not of type 'Blob'.`);
    }
    if (this.#state === LOADING) throw new DOMException("Invalid FileReader state", "InvalidStateError");
    this.#state = LOADING;
    this.#result = null;
    this.#error = null;
    const operation = ++this.#operation;
    const bytes = blobBytes(blob).slice();
    const total = bytes.byteLength;
    (async () => {
      await nextTask();
      if (this.#operation !== operation) return;
      this.#fire("loadstart", 0, total);
      await nextTask();
      if (this.#operation !== operation) return;
      this.#fire("progress", total, total);
      if (this.#operation !== operation) return;
      let result;
      try {
        result = packageData(bytes, kind, blob, label);
      } catch (e) {
        this.#state = DONE;
        this.#error = e instanceof DOMException ? e : new DOMException(String(e?.message ?? e), "NotReadableError");
        this.#fire("error", total, total);
        if (this.#state !== LOADING) this.#fire("loadend", total, total);
        return;
      }
      this.#state = DONE;
      this.#result = result;
      this.#fire("load", total, total);
      if (this.#state !== LOADING) this.#fire("loadend", total, total);
    })();
  }
}
defineConstants(FileReader, { EMPTY, LOADING, DONE });
setToStringTag(FileReader, "FileReader");
enumerable(FileReader, [
  "readyState", "result", "error", "readAsArrayBuffer", "readAsBinaryString", "readAsText", "readAsDataURL", "abort",
]);
for (const type of ["loadstart", "progress", "load", "abort", "error", "loadend"]) {
  defineEventHandler(FileReader.prototype, type);
}
