// atob / btoa (HTML, forgiving-base64).
import { DOMException } from "./domexception.js";

const ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
const DECODE = new Int16Array(128).fill(-1);
for (let i = 0; i < 64; i++) DECODE[ALPHABET.charCodeAt(i)] = i;

export function btoa(data) {
  if (arguments.length < 1) {
    throw new TypeError("Failed to execute 'btoa': 1 argument required, but only 0 present");
  }
  const s = String(data);
  const n = s.length;
  let out = "";
  let i = 0;
  for (; i < n; i++) {
    if (s.charCodeAt(i) > 255) {
      throw new DOMException(
        "The string to be encoded contains characters outside of the Latin1 range.",
        "InvalidCharacterError",
      );
    }
  }
  const parts = [];
  for (i = 0; i + 2 < n; i += 3) {
    const v = (s.charCodeAt(i) << 16) | (s.charCodeAt(i + 1) << 8) | s.charCodeAt(i + 2);
    out += ALPHABET[v >> 18] + ALPHABET[(v >> 12) & 63] + ALPHABET[(v >> 6) & 63] + ALPHABET[v & 63];
    if (out.length > 8192) {
      parts.push(out);
      out = "";
    }
  }
  const rest = n - i;
  if (rest === 1) {
    const v = s.charCodeAt(i) << 16;
    out += ALPHABET[v >> 18] + ALPHABET[(v >> 12) & 63] + "==";
  } else if (rest === 2) {
    const v = (s.charCodeAt(i) << 16) | (s.charCodeAt(i + 1) << 8);
    out += ALPHABET[v >> 18] + ALPHABET[(v >> 12) & 63] + ALPHABET[(v >> 6) & 63] + "=";
  }
  parts.push(out);
  return parts.join("");
}

function invalid() {
  return new DOMException("Failed to decode base64", "InvalidCharacterError");
}

// Forgiving-base64 decode to a binary string; throws InvalidCharacterError.
export function atob(data) {
  if (arguments.length < 1) {
    throw new TypeError("Failed to execute 'atob': 1 argument required, but only 0 present");
  }
  let s = String(data).replace(/[\t\n\f\r ]+/g, "");
  if (s.length % 4 === 0) {
    if (s.endsWith("==")) s = s.slice(0, -2);
    else if (s.endsWith("=")) s = s.slice(0, -1);
  }
  if (s.length % 4 === 1) throw invalid();
  const n = s.length;
  let out = "";
  const parts = [];
  let buf = 0;
  let bits = 0;
  for (let i = 0; i < n; i++) {
    const c = s.charCodeAt(i);
    const v = c < 128 ? DECODE[c] : -1;
    if (v < 0) throw invalid();
    buf = (buf << 6) | v;
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out += String.fromCharCode((buf >> bits) & 255);
      if (out.length > 8192) {
        parts.push(out);
        out = "";
      }
    }
  }
  parts.push(out);
  return parts.join("");
}
