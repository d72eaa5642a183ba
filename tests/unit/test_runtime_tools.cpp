// The compiler isolate's tools: npm's semver and the module lexers answer as they do in
// Node (the answers below are those of semver 7 and Node's own cjs-module-lexer).
#include "runtime/tools.hpp"
#include "util/error.hpp"

#include <doctest/doctest.h>

#include <algorithm>

namespace {

bool has(const std::vector<std::string>& list, const std::string& item) {
  return std::find(list.begin(), list.end(), item) != list.end();
}

}  // namespace

TEST_CASE("runtime::module_imports lists static, re-exported and literal dynamic imports") {
  auto imports = runtime::module_imports(
      "import a from 'npm:a@1';\n"
      "export * from \"./b.ts\";\n"
      "const s = 'import x from \"not-an-import\"';\n"
      "// import y from 'commented'\n"
      "const m = await import('jsr:@std/assert');\n"
      "const n = await import(name);\n");
  REQUIRE(imports.size() == 3);
  CHECK(imports[0].specifier == "npm:a@1");
  CHECK_FALSE(imports[0].dynamic);
  CHECK(imports[0].line == 1);
  CHECK(imports[1].specifier == "./b.ts");
  CHECK(imports[1].line == 2);
  CHECK(imports[2].specifier == "jsr:@std/assert");
  CHECK(imports[2].dynamic);
  CHECK(imports[2].line == 5);
}

TEST_CASE("runtime::module_imports fails on code that does not lex") {
  CHECK_THROWS_AS(runtime::module_imports("import { from 'x"), util::Error);
}

TEST_CASE("runtime::cjs_exports finds the names Node would offer to an ES import") {
  auto found = runtime::cjs_exports(
      "exports.a = 1;\n"
      "Object.defineProperty(exports, 'b', { enumerable: true, get: function () { return impl.b; } "
      "});\n"
      "module.exports.c = 3;\n"
      "if (false) exports.d = 4;\n");
  CHECK(has(found.names, "a"));
  CHECK(has(found.names, "b"));
  CHECK(has(found.names, "c"));
  CHECK(has(found.names, "d"));  // static detection: reachable or not
  auto reexport = runtime::cjs_exports("module.exports = require('./impl.js');");
  REQUIRE(reexport.reexports.size() == 1);
  CHECK(reexport.reexports[0] == "./impl.js");
}

TEST_CASE("runtime::compiler_tool runs npm's semver") {
  using runtime::compiler_tool;
  CHECK(compiler_tool("semver", R"(["maxSatisfying", ["1.2.3", "1.9.0", "2.0.0"], "^1.2.0"])") ==
        "\"1.9.0\"");
  // A prerelease satisfies a range only when the range names that same tuple.
  CHECK(compiler_tool("semver", R"(["satisfies", "1.3.0-beta.1", "^1.2.0"])") == "false");
  CHECK(compiler_tool("semver", R"(["satisfies", "1.2.0-beta.2", ">=1.2.0-beta.1 <2"])") == "true");
  CHECK(compiler_tool("semver", R"(["validRange", "not a range!"])") == "null");
  CHECK_THROWS_WITH_AS(compiler_tool("semver", R"(["nope"])"),
                       "semver: semver has no function nope", util::Error);
  CHECK_THROWS_AS(compiler_tool("missing", "[]"), util::Error);
}

TEST_CASE(
    "runtime::module_code_cache makes a V8 code cache, and refuses code that does not compile") {
  auto cache = runtime::module_code_cache(
      "file:///sbfn/src/a.js", "export const f = (x) => x * 2;\nexport default f(21);\n");
  CHECK(cache.size() > 16);
  // Same code, same V8 and flags: the same bytes, so artifacts stay reproducible.
  CHECK(runtime::module_code_cache("file:///sbfn/src/a.js",
                                   "export const f = (x) => x * 2;\nexport default f(21);\n") ==
        cache);
  CHECK_THROWS_AS(runtime::module_code_cache("file:///sbfn/src/b.js", "export const = ;"),
                  util::Error);
}
