// The bundle's `util` (esbuild alias, src/runtime/CMakeLists.txt): node:util.
module.exports = require("./bridge.cjs").load("util");
