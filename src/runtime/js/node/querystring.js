// node:querystring: the `querystring-es3` npm package, Node's querystring module for any
// engine, pinned; `escape`/`unescape` as Node exposes them. Named exports too: the `url`
// package requires this module (as `qs`) and reads parse/stringify off it.
import pkg from "querystring-es3";

export function unescape(text) {
  try {
    return decodeURIComponent(text);
  } catch {
    return globalThis.unescape(text);
  }
}
export const escape = (text) => encodeURIComponent(text);
export const parse = pkg.parse;
export const stringify = pkg.stringify;
export const decode = pkg.parse;
export const encode = pkg.stringify;

export default { decode, encode, parse, stringify, escape, unescape };
