// node:querystring: the `querystring-es3` npm package, Node's querystring module for any
// engine, pinned; `escape`/`unescape` as Node exposes them.

import { loadBuiltin } from "./registry.js";

function unescape(text) {
  try {
    return decodeURIComponent(text);
  } catch {
    return globalThis.unescape(text);
  }
}

export function createQuerystring() {
  // eslint-disable-next-line no-undef -- esbuild's require, resolved at bundle time
  const { parse, stringify } = require("querystring-es3");
  const escape = (text) => encodeURIComponent(text);
  // unescapeBuffer("a%20b") -> <Buffer 61 20 62>: percent-escapes as bytes, the rest as
  // UTF-8, malformed escapes kept as written.
  function unescapeBuffer(text, decodeSpaces = false) {
    const { Buffer } = loadBuiltin("buffer");
    const out = [];
    const source = Buffer.from(String(text));
    for (let i = 0; i < source.length; i++) {
      const byte = source[i];
      const hex = source.toString("latin1", i + 1, i + 3);
      if (byte === 0x25 && /^[0-9a-fA-F]{2}$/.test(hex)) {
        out.push(parseInt(hex, 16));
        i += 2;
      } else {
        out.push(decodeSpaces && byte === 0x2b ? 0x20 : byte);
      }
    }
    return Buffer.from(out);
  }
  return { decode: parse, encode: stringify, parse, stringify, escape, unescape, unescapeBuffer };
}
