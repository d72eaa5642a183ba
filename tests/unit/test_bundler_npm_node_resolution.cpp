// Node's resolution algorithm over an in-memory FileView: the answers are Node's
// (https://nodejs.org/api/esm.html#resolution-algorithm-specification and the CommonJS
// loader's LOAD_AS_FILE / LOAD_AS_DIRECTORY) with Deno's conditions.
#include "bundler/file_view.hpp"
#include "bundler/npm/module_format.hpp"
#include "bundler/npm/node_modules.hpp"
#include "bundler/npm/node_resolution.hpp"
#include "util/error.hpp"

#include <doctest/doctest.h>

using bundler::NodeResolver;
using bundler::ResolutionKind;

namespace {

constexpr auto import_ = ResolutionKind::import;
constexpr auto require_ = ResolutionKind::require;

// A project with a node_modules folder, as npm would install it.
NodeResolver project() {
  return NodeResolver(bundler::memory_file_view({
      {"/app/package.json", R"({"name": "app", "type": "module",
        "imports": {"#util": "./src/util.js", "#dep": "dual", "#internal/*": "./src/internal/*.js",
                    "#cond": {"node": "./src/node.js", "default": "./src/default.js"}}})"},
      {"/app/main.js", "import 'dual';"},
      {"/app/src/util.js", ""},
      {"/app/src/node.js", ""},
      {"/app/src/default.js", ""},
      {"/app/src/internal/a.js", ""},
      // Conditional exports: import vs require, in key order, patterns, nulls, arrays.
      {"/app/node_modules/dual/package.json", R"({"name": "dual", "exports": {
        ".": {"types": "./index.d.ts", "import": "./esm/index.mjs", "require": "./cjs/index.cjs"},
        "./feature": {"deno": "./deno/feature.js", "node": "./node/feature.js"},
        "./utils/*": "./lib/utils/*.js",
        "./utils/private/*": null,
        "./fallback": ["../outside.js", "./lib/fallback.js"],
        "./package.json": "./package.json"}})"},
      {"/app/node_modules/dual/esm/index.mjs", ""},
      {"/app/node_modules/dual/cjs/index.cjs", ""},
      {"/app/node_modules/dual/deno/feature.js", ""},
      {"/app/node_modules/dual/node/feature.js", ""},
      {"/app/node_modules/dual/lib/utils/a.js", ""},
      {"/app/node_modules/dual/lib/utils/private/b.js", ""},
      {"/app/node_modules/dual/lib/fallback.js", ""},
      // Exports sugar: a plain string is the main entry.
      {"/app/node_modules/sugar/package.json", R"({"name": "sugar", "exports": "./sugar.js"})"},
      {"/app/node_modules/sugar/sugar.js", ""},
      // No exports: main (with .js and /index.js probing), module for "type": "module".
      {"/app/node_modules/legacy/package.json", R"({"name": "legacy", "main": "lib/entry"})"},
      {"/app/node_modules/legacy/lib/entry.js", ""},
      {"/app/node_modules/legacy/lib/other.js", "require('./helper')"},
      {"/app/node_modules/legacy/lib/helper/index.js", ""},
      {"/app/node_modules/legacy/data.json", "{}"},
      {"/app/node_modules/esm-module/package.json",
       R"({"name": "esm-module", "type": "module", "module": "./m.js", "main": "./c.js"})"},
      {"/app/node_modules/esm-module/m.js", ""},
      {"/app/node_modules/esm-module/c.js", ""},
      {"/app/node_modules/bare-index/package.json", R"({"name": "bare-index"})"},
      {"/app/node_modules/bare-index/index.js", ""},
      {"/app/node_modules/no-entry/package.json", R"({"name": "no-entry", "main": "gone.js"})"},
      // A nested node_modules wins over the outer one.
      {"/app/node_modules/legacy/node_modules/dual/package.json",
       R"({"name": "dual", "main": "inner.js"})"},
      {"/app/node_modules/legacy/node_modules/dual/inner.js", ""},
  }));
}

std::optional<std::string> resolve(const NodeResolver& resolver, const std::string& specifier,
                                   const std::string& referrer, ResolutionKind kind) {
  return bundler::resolve_in_node_modules(specifier, referrer, kind, resolver);
}

}  // namespace

TEST_CASE("bundler::NodeResolver follows exports conditions for import and require") {
  auto r = project();
  CHECK(resolve(r, "dual", "/app/main.js", import_) == "/app/node_modules/dual/esm/index.mjs");
  CHECK(resolve(r, "dual", "/app/main.js", require_) == "/app/node_modules/dual/cjs/index.cjs");
  // Condition objects are tried in the order they are written: deno before node.
  CHECK(resolve(r, "dual/feature", "/app/main.js", import_) ==
        "/app/node_modules/dual/deno/feature.js");
  CHECK(resolve(r, "dual/feature", "/app/main.js", require_) ==
        "/app/node_modules/dual/node/feature.js");
  CHECK(resolve(r, "dual/utils/a", "/app/main.js", import_) ==
        "/app/node_modules/dual/lib/utils/a.js");
  CHECK(resolve(r, "dual/fallback", "/app/main.js", import_) ==
        "/app/node_modules/dual/lib/fallback.js");
  CHECK(resolve(r, "sugar", "/app/main.js", import_) == "/app/node_modules/sugar/sugar.js");
  CHECK_THROWS_WITH_AS(resolve(r, "dual/utils/private/b", "/app/main.js", import_),
                       doctest::Contains("[ERR_PACKAGE_PATH_NOT_EXPORTED] Package subpath "
                                         "'./utils/private/b' is not defined by \"exports\""),
                       util::Error);
  CHECK_THROWS_WITH_AS(resolve(r, "dual/lib/fallback.js", "/app/main.js", import_),
                       doctest::Contains("'./lib/fallback.js' is not defined by \"exports\" in "
                                         "/app/node_modules/dual/package.json imported from "
                                         "/app/main.js"),
                       util::Error);
  CHECK_THROWS_WITH_AS(resolve(r, "sugar/other", "/app/main.js", import_),
                       doctest::Contains("ERR_PACKAGE_PATH_NOT_EXPORTED"), util::Error);
}

TEST_CASE("bundler::NodeResolver falls back to module, main and index without exports") {
  auto r = project();
  CHECK(resolve(r, "legacy", "/app/main.js", import_) == "/app/node_modules/legacy/lib/entry.js");
  CHECK(resolve(r, "legacy", "/app/main.js", require_) == "/app/node_modules/legacy/lib/entry.js");
  CHECK(resolve(r, "legacy/data.json", "/app/main.js", import_) ==
        "/app/node_modules/legacy/data.json");
  CHECK(resolve(r, "esm-module", "/app/main.js", import_) == "/app/node_modules/esm-module/m.js");
  CHECK(resolve(r, "esm-module", "/app/main.js", require_) == "/app/node_modules/esm-module/c.js");
  CHECK(resolve(r, "bare-index", "/app/main.js", import_) ==
        "/app/node_modules/bare-index/index.js");
  CHECK_THROWS_WITH_AS(resolve(r, "no-entry", "/app/main.js", import_),
                       doctest::Contains("Cannot find the entry point"), util::Error);
  CHECK_FALSE(resolve(r, "not-installed", "/app/main.js", import_).has_value());
}

TEST_CASE("bundler::NodeResolver probes extensions and folders for require() only") {
  auto r = project();
  const std::string other = "/app/node_modules/legacy/lib/other.js";
  CHECK(resolve(r, "./entry", other, require_) == "/app/node_modules/legacy/lib/entry.js");
  CHECK(resolve(r, "./helper", other, require_) == "/app/node_modules/legacy/lib/helper/index.js");
  CHECK(resolve(r, "../data", other, require_) == "/app/node_modules/legacy/data.json");
  CHECK(resolve(r, "..", other, require_) == "/app/node_modules/legacy/lib/entry.js");
  CHECK_THROWS_WITH_AS(resolve(r, "./nope", other, require_),
                       ("Cannot find module './nope'\nRequire stack:\n- " + other).c_str(),
                       util::Error);
  CHECK_THROWS_WITH_AS(resolve(r, "./entry", other, import_),
                       doctest::Contains("[ERR_MODULE_NOT_FOUND] Cannot find module "
                                         "'/app/node_modules/legacy/lib/entry' imported from"),
                       util::Error);
  CHECK_THROWS_WITH_AS(resolve(r, "./entry", other, import_),
                       doctest::Contains("Did you mean to import \"./entry.js\"?"), util::Error);
  CHECK_THROWS_WITH_AS(resolve(r, "./helper", other, import_),
                       doctest::Contains("[ERR_UNSUPPORTED_DIR_IMPORT]"), util::Error);
  // The nearest node_modules wins.
  CHECK(resolve(r, "dual", other, require_) ==
        "/app/node_modules/legacy/node_modules/dual/inner.js");
}

TEST_CASE("bundler::NodeResolver resolves #imports and built-ins") {
  auto r = project();
  CHECK(resolve(r, "#util", "/app/main.js", import_) == "/app/src/util.js");
  CHECK(resolve(r, "#internal/a", "/app/main.js", import_) == "/app/src/internal/a.js");
  CHECK(resolve(r, "#cond", "/app/main.js", import_) == "/app/src/node.js");
  CHECK(resolve(r, "#dep", "/app/main.js", import_) == "/app/node_modules/dual/esm/index.mjs");
  CHECK_THROWS_WITH_AS(resolve(r, "#nope", "/app/main.js", import_),
                       doctest::Contains("[ERR_PACKAGE_IMPORT_NOT_DEFINED] Package import "
                                         "specifier \"#nope\" is not defined in package "
                                         "/app/package.json"),
                       util::Error);
  CHECK(resolve(r, "fs", "/app/main.js", import_) == "node:fs");
  CHECK(resolve(r, "fs/promises", "/app/main.js", require_) == "node:fs/promises");
  CHECK(resolve(r, "node:test", "/app/main.js", import_) == "node:test");
  CHECK(bundler::is_node_builtin("events"));
  CHECK_FALSE(bundler::is_node_builtin("test"));
  CHECK_FALSE(bundler::is_node_builtin("express"));
}

TEST_CASE("bundler::has_module_syntax sees declarations, not strings or property names") {
  using bundler::has_module_syntax;
  CHECK(has_module_syntax("export const x = 1;"));
  CHECK(has_module_syntax("import x from 'y'"));
  CHECK(has_module_syntax("import{a}from'b'"));
  CHECK(has_module_syntax("import 'side-effect';"));
  CHECK(has_module_syntax("const u = import.meta.url;"));
  CHECK(has_module_syntax("#!/usr/bin/env node\nexport default 1"));
  CHECK(has_module_syntax("const t = `${a}`; export {t}"));
  CHECK_FALSE(has_module_syntax("module.exports = { import: 1, export: 2 };"));
  CHECK_FALSE(has_module_syntax("const m = import('x'); obj.export = 1; a?.import()"));
  CHECK_FALSE(
      has_module_syntax("// export const x\n/* import y from 'z' */ const s = 'export x';"));
  CHECK_FALSE(has_module_syntax("const t = `export ${ {a: 'import x from'}.a } x`;"));
  CHECK_FALSE(has_module_syntax("const r = /export {x}/g; const d = a / b / c;"));
  CHECK_FALSE(has_module_syntax("exports.x = require('./y');"));
}

TEST_CASE("bundler::is_commonjs_in_package follows Deno's rule") {
  auto files = bundler::memory_file_view({
      {"/p/cjs/package.json", R"({"name": "cjs"})"},
      {"/p/esm/package.json", R"({"name": "esm", "type": "module"})"},
  });
  bundler::PackageJsons jsons(files);
  using bundler::is_commonjs_in_package;
  CHECK(is_commonjs_in_package("/p/cjs/index.js", "module.exports = 1", jsons));
  CHECK_FALSE(is_commonjs_in_package("/p/cjs/index.js", "export default 1", jsons));
  CHECK_FALSE(is_commonjs_in_package("/p/esm/index.js", "module.exports = 1", jsons));
  CHECK(is_commonjs_in_package("/p/esm/bin/cli", "module.exports = 1", jsons));
  CHECK(is_commonjs_in_package("/p/esm/x.cjs", "export default 1", jsons));
  CHECK_FALSE(is_commonjs_in_package("/p/cjs/x.mjs", "module.exports = 1", jsons));
  CHECK_FALSE(is_commonjs_in_package("/p/cjs/x.json", "{}", jsons));
  // Local files: CommonJS only under "type": "commonjs".
  auto local = bundler::memory_file_view({
      {"/fn/package.json", R"({"type": "commonjs"})"},
      {"/other/package.json", R"({})"},
  });
  bundler::PackageJsons local_jsons(local);
  CHECK(bundler::is_commonjs_local("/fn/index.js", "module.exports = 1", local_jsons));
  CHECK_FALSE(bundler::is_commonjs_local("/fn/index.js", "export default 1", local_jsons));
  CHECK_FALSE(bundler::is_commonjs_local("/other/index.js", "module.exports = 1", local_jsons));
}
