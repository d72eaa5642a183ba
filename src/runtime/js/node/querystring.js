// node:querystring: the `querystring-es3` npm package, Node's querystring module for any
// engine, pinned; `escape`/`unescape` as Node exposes them.

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
  return { decode: parse, encode: stringify, parse, stringify, escape, unescape };
}
