// node:punycode: the `punycode` npm package, the implementation Node itself bundles.

export function createPunycode() {
  // eslint-disable-next-line no-undef -- esbuild's require, resolved at bundle time
  return { ...require("punycode/punycode.js") };
}
