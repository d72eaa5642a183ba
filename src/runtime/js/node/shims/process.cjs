// The bundle's `process` (esbuild alias, src/runtime/CMakeLists.txt): node:process.
module.exports = require("./bridge.cjs").load("process");
