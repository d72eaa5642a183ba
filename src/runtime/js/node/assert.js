// node:assert and node:assert/strict: the `assert` npm package (Node's assert module
// ported for other engines, pinned), formatting its messages with node:util.
import { loadBuiltin } from "./registry.js";

export function createAssert() {
  loadBuiltin("buffer"); // first: Buffers it compares get the runtime's patches
  // eslint-disable-next-line no-undef -- esbuild's require, resolved at bundle time
  return require("assert/build/assert.js");
}
