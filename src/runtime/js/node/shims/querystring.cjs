// The bundle's `querystring` (esbuild alias, src/runtime/CMakeLists.txt): node:querystring.
module.exports = require("./bridge.cjs").load("querystring");
