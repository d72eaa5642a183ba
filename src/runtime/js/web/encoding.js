// TextEncoder / TextDecoder (WHATWG Encoding): utf-8, utf-16le, utf-16be and the
// single-byte legacy encodings.
import { normalizeEncoding } from "@exodus/bytes/encoding-lite.js";
import { createSinglebyteDecoder } from "@exodus/bytes/single-byte.js";
import { ops } from "./ops.js";
import { bufferSourceToU8, enumerable, setToStringTag } from "./util.js";

// Labels and single-byte indexes are the WHATWG Encoding spec's, from the pinned
// @exodus/bytes (its pure-JS tables; the module captures no native TextDecoder because
// none exists when the snapshot evaluates it).
const SINGLE_BYTE_EXCLUDED = new Set(["utf-8", "utf-16le", "utf-16be"]);

export function getEncodingName(label) {
  const name = normalizeEncoding(String(label));
  if (!name || SINGLE_BYTE_EXCLUDED.has(name)) return name ?? undefined;
  return isSingleByte(name) ? name : undefined;
}

function isSingleByte(name) {
  try {
    createSinglebyteDecoder(name, true);
    return true;
  } catch {
    return false;
  }
}

export class TextEncoder {
  get encoding() {
    return "utf-8";
  }

  encode(input = "") {
    return ops.encode_utf8(String(input));
  }

  encodeInto(source, destination) {
    if (arguments.length < 2) {
      throw new TypeError(
        `Failed to execute 'encodeInto' on 'TextEncoder': 2 arguments required, but only ${arguments.length} present`,
      );
    }
    if (!(destination instanceof Uint8Array)) {
      throw new TypeError(
        "Failed to execute 'encodeInto' on 'TextEncoder': parameter 2 is not of type 'Uint8Array'.",
      );
    }
    const [read, written] = ops.encode_utf8_into(String(source), destination);
    return { read, written };
  }
}
setToStringTag(TextEncoder, "TextEncoder");
enumerable(TextEncoder, ["encoding", "encode", "encodeInto"]);

// Length of the incomplete UTF-8 sequence at the end of u8 that could still be
// completed by more input (0 if none).
function incompleteUtf8Tail(u8) {
  const n = u8.length;
  for (let back = 1; back <= 3 && back <= n; back++) {
    const b = u8[n - back];
    if ((b & 0xc0) === 0x80) continue; // continuation byte: keep looking for the lead
    let need;
    if (b >= 0xc2 && b <= 0xdf) need = 2;
    else if (b >= 0xe0 && b <= 0xef) need = 3;
    else if (b >= 0xf0 && b <= 0xf4) need = 4;
    else return 0;
    if (need <= back) return 0;
    if (back >= 2) {
      const c = u8[n - back + 1];
      let lo = 0x80;
      let hi = 0xbf;
      if (b === 0xe0) lo = 0xa0;
      else if (b === 0xed) hi = 0x9f;
      else if (b === 0xf0) lo = 0x90;
      else if (b === 0xf4) hi = 0x8f;
      if (c < lo || c > hi) return 0;
    }
    return back;
  }
  return 0;
}

const emptyU8 = new Uint8Array(0);

export class TextDecoder {
  #encoding;
  #fatal;
  #ignoreBOM;
  #pending = null; // held-back bytes (streaming)
  #bomSeen = false; // a decode call has consumed the start of the stream
  #pendingHigh = -1; // utf-16: pending high surrogate code unit
  #single = null; // single-byte encodings: the decoding function

  constructor(label = "utf-8", options = undefined) {
    const enc = getEncodingName(label);
    if (enc === undefined) {
      throw new RangeError(`The encoding label provided ('${label}') is invalid.`);
    }
    if (options != null && typeof options !== "object") {
      throw new TypeError("Failed to construct 'TextDecoder': options is not an object");
    }
    this.#encoding = enc;
    this.#fatal = !!options?.fatal;
    this.#ignoreBOM = !!options?.ignoreBOM;
  }

  get encoding() {
    return this.#encoding;
  }
  get fatal() {
    return this.#fatal;
  }
  get ignoreBOM() {
    return this.#ignoreBOM;
  }

  decode(input = undefined, options = undefined) {
    let u8;
    if (input === undefined) u8 = emptyU8;
    else {
      u8 = bufferSourceToU8(input);
      if (u8 === null) {
        throw new TypeError(
          "Failed to execute 'decode' on 'TextDecoder': parameter 1 is not of type 'ArrayBuffer'.",
        );
      }
    }
    const stream = !!options?.stream;
    if (this.#pending !== null) {
      const joined = new Uint8Array(this.#pending.length + u8.length);
      joined.set(this.#pending);
      joined.set(u8, this.#pending.length);
      u8 = joined;
      this.#pending = null;
    } else if (
      typeof SharedArrayBuffer === "function" &&
      u8.buffer instanceof SharedArrayBuffer
    ) {
      u8 = u8.slice();
    }
    try {
      switch (this.#encoding) {
        case "utf-8":
          return this.#utf8(u8, stream);
        case "utf-16le":
        case "utf-16be":
          return this.#utf16(u8, stream, this.#encoding === "utf-16be");
        default:
          return this.#singleByte(u8);
      }
    } finally {
      if (!stream) {
        this.#pending = null;
        this.#bomSeen = false;
        this.#pendingHigh = -1;
      }
    }
  }

  #singleByte(u8) {
    if (u8.length === 0) return "";
    // A single-byte decoder has no state; "loose" maps unassigned bytes to U+FFFD.
    if (this.#single === null) this.#single = createSinglebyteDecoder(this.#encoding, !this.#fatal);
    try {
      return this.#single(u8);
    } catch (e) {
      if (e instanceof TypeError) throw new TypeError("The encoded data is not valid.");
      throw e;
    }
  }

  #utf8(u8, stream) {
    if (stream) {
      const tail = incompleteUtf8Tail(u8);
      if (tail) {
        this.#pending = u8.slice(u8.length - tail);
        u8 = u8.subarray(0, u8.length - tail);
      }
    }
    if (u8.length === 0) return "";
    const ignoreBOM = this.#ignoreBOM || this.#bomSeen;
    this.#bomSeen = true;
    return ops.decode_utf8(u8, this.#fatal, ignoreBOM);
  }

  #utf16(u8, stream, be) {
    let len = u8.length;
    if (len & 1) {
      if (stream) {
        this.#pending = u8.slice(len - 1);
        len -= 1;
      }
    }
    let i = 0;
    if (!this.#ignoreBOM && !this.#bomSeen && len >= 2) {
      const first = be ? (u8[0] << 8) | u8[1] : u8[0] | (u8[1] << 8);
      if (first === 0xfeff) i = 2;
    }
    if (len >= 2) this.#bomSeen = true;
    let out = "";
    let codes = [];
    let high = this.#pendingHigh;
    this.#pendingHigh = -1;
    const fatal = this.#fatal;
    const flush = () => {
      out += String.fromCharCode.apply(null, codes);
      codes = [];
    };
    for (; i + 1 < len; i += 2) {
      const cu = be ? (u8[i] << 8) | u8[i + 1] : u8[i] | (u8[i + 1] << 8);
      if (high !== -1) {
        if (cu >= 0xdc00 && cu <= 0xdfff) {
          codes.push(high, cu);
          high = -1;
          continue;
        }
        if (fatal) throw new TypeError("The encoded data is not valid.");
        codes.push(0xfffd);
        high = -1;
      }
      if (cu >= 0xd800 && cu <= 0xdbff) {
        high = cu;
      } else if (cu >= 0xdc00 && cu <= 0xdfff) {
        if (fatal) throw new TypeError("The encoded data is not valid.");
        codes.push(0xfffd);
      } else {
        codes.push(cu);
      }
      if (codes.length >= 8192) flush();
    }
    if (high !== -1) {
      if (stream) this.#pendingHigh = high;
      else {
        if (fatal) throw new TypeError("The encoded data is not valid.");
        codes.push(0xfffd);
      }
    }
    if (!stream && u8.length & 1) {
      // odd trailing byte at end of stream
      if (fatal) throw new TypeError("The encoded data is not valid.");
      codes.push(0xfffd);
    }
    flush();
    return out;
  }
}
setToStringTag(TextDecoder, "TextDecoder");
enumerable(TextDecoder, ["encoding", "fatal", "ignoreBOM", "decode"]);
