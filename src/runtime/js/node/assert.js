// node:assert and node:assert/strict: the `assert` npm package (Node's assert module
// ported for other engines, pinned), formatting its messages with node:util.
import "./buffer.js"; // first: Buffers it compares get the runtime's patches
import assert from "assert/build/assert.js";

export default assert;
