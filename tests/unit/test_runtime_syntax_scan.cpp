// The text scans that decide whether TypeScript's compiler must lower a module, and the
// import-attribute rewrite V8 10.2 needs: they must see syntax, not look-alikes in strings
// and comments.
#include "runtime/modules/transpiler.hpp"

#include <doctest/doctest.h>

TEST_CASE("runtime::needs_typescript_compiler finds namespaces, decorators and using") {
  CHECK(runtime::needs_typescript_compiler("namespace A { export const x = 1; }"));
  CHECK(runtime::needs_typescript_compiler("export namespace Outer.Inner {}"));
  CHECK(runtime::needs_typescript_compiler("@Component()\nclass A {}"));
  CHECK(runtime::needs_typescript_compiler("class A { @field() x = 1; }"));
  CHECK(runtime::needs_typescript_compiler("{ using handle = open(); }"));
  CHECK(runtime::needs_typescript_compiler("await using conn = await connect();"));
}

TEST_CASE("runtime::javascript_needs_typescript_compiler: JSDoc tags are not decorators") {
  CHECK_FALSE(runtime::javascript_needs_typescript_compiler(
      "/**\n * @param {string} name\n * @returns {string}\n */\nexport function f(name) {}"));
  CHECK_FALSE(runtime::javascript_needs_typescript_compiler("namespace A { }"));
  CHECK(runtime::javascript_needs_typescript_compiler("{ using handle = open(); }"));
}

TEST_CASE("runtime::needs_typescript_compiler leaves ordinary code to sucrase") {
  CHECK_FALSE(runtime::needs_typescript_compiler("const namespace = 1; namespace += 2;"));
  CHECK_FALSE(runtime::needs_typescript_compiler("const using = 3; if (using == 3) {}"));
  CHECK_FALSE(runtime::needs_typescript_compiler("const email = 'a@b.c';"));
  CHECK_FALSE(runtime::needs_typescript_compiler("Deno.serve(() => new Response('hi'));"));
}

TEST_CASE("runtime::rewrite_import_attributes rewrites `with` after an import's specifier") {
  CHECK(
      runtime::rewrite_import_attributes(R"(import data from "./d.json" with { type: "json" };)") ==
      R"(import data from "./d.json" assert { type: "json" };)");
  CHECK(runtime::rewrite_import_attributes("export { a } from './a.json' with {type:'json'}") ==
        "export { a } from './a.json' assert {type:'json'}");
  CHECK(runtime::rewrite_import_attributes(R"(import "./side.json" with { type: "json" };)") ==
        R"(import "./side.json" assert { type: "json" };)");
}

TEST_CASE("runtime::rewrite_import_attributes leaves strings and comments that look alike") {
  const std::string untouched[] = {
      R"(const s = "from" + " with {";)",
      R"(// import x from "./d.json" with { type: "json" })",
      R"(/* from "a" with { */ const with_ = 1;)",
      R"(const url = "x"; with ({}) {})",
  };
  for (const auto& code : untouched) {
    INFO(code);
    CHECK(runtime::rewrite_import_attributes(code) == code);
  }
}
