#pragma once

// ES module or CommonJS: Deno's rule (libs/resolver/cjs, ../shared/reference/deno.md §3
// "ESM vs CJS"). Anything loaded with require() is CommonJS whatever this says; the
// caller knows that.

#include "bundler/npm/package_json.hpp"

#include <string>
#include <string_view>

namespace bundler {

// Whether JavaScript `code` uses ES module syntax (Deno's `is_script == false`): an
// import or export declaration, or import.meta. Comments, strings, template literals and
// regular expressions are skipped; `import(...)` and `obj.import` do not count.
bool has_module_syntax(std::string_view code);

// For a file inside an npm package (the cache or a node_modules folder): .mjs/.mts are
// ESM, .cjs/.cts CommonJS, .json/.wasm never CommonJS; .js/.jsx/.ts/.tsx and files
// without an extension are ESM when they use module syntax, else CommonJS unless the
// nearest package.json says "type": "module" (a file without an extension is CommonJS
// then too).
bool is_commonjs_in_package(const std::string& path, std::string_view code,
                            const PackageJsons& package_jsons);

// For a local file (not in a package): CommonJS only when it has no module syntax and
// the nearest package.json says "type": "commonjs".
bool is_commonjs_local(const std::string& path, std::string_view code,
                       const PackageJsons& package_jsons);

}  // namespace bundler
