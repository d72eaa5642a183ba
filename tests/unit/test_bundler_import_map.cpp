// Import maps: the examples of the WICG explainer (github.com/WICG/import-maps), the
// spec's error cases, and Deno's deno.json extension.
#include "bundler/config/import_map.hpp"
#include "util/error.hpp"

#include <doctest/doctest.h>

using bundler::ImportMap;

namespace {

const std::string k_base = "https://example.com/import_map.json";

std::string resolve(const ImportMap& map, const std::string& specifier,
                    const std::string& referrer = "https://example.com/app.mjs") {
  return map.resolve(specifier, referrer).value_or("<unmapped>");
}

std::string error_of(const ImportMap& map, const std::string& specifier) {
  try {
    map.resolve(specifier, "https://example.com/app.mjs");
  } catch (const util::Error& error) {
    return error.what();
  }
  return "";
}

}  // namespace

TEST_CASE("bundler::ImportMap: bare specifiers and trailing-slash packages") {
  auto map = ImportMap::parse(R"({"imports": {
    "moment": "/node_modules/moment/src/moment.js",
    "moment/": "/node_modules/moment/src/",
    "lodash": "/node_modules/lodash-es/lodash.js",
    "lodash/": "/node_modules/lodash-es/",
    "lodash/fp/": "/node_modules/lodash-fp/"
  }})",
                              k_base);
  CHECK(resolve(map, "moment") == "https://example.com/node_modules/moment/src/moment.js");
  CHECK(resolve(map, "moment/locale/zh-cn.js") ==
        "https://example.com/node_modules/moment/src/locale/zh-cn.js");
  CHECK(resolve(map, "lodash/fp/map.js") == "https://example.com/node_modules/lodash-fp/map.js");
  CHECK(resolve(map, "lodash/map.js") == "https://example.com/node_modules/lodash-es/map.js");
  CHECK(resolve(map, "vue") == "<unmapped>");
  // Relative and absolute specifiers not in the map resolve as URLs.
  CHECK(resolve(map, "./x.js") == "https://example.com/x.js");
  CHECK(resolve(map, "https://cdn.example/y.js") == "https://cdn.example/y.js");
  CHECK(map.warnings().empty());
}

TEST_CASE("bundler::ImportMap: scopes, the most specific first, then imports") {
  auto map = ImportMap::parse(R"({
    "imports": {"a": "/a-1.mjs", "b": "/b-1.mjs", "c": "/c-1.mjs"},
    "scopes": {
      "/scope2/": {"a": "/a-2.mjs"},
      "/scope2/scope3/": {"b": "/b-3.mjs"}
    }
  })",
                              k_base);
  auto in = [&](const char* referrer, const char* specifier) {
    return resolve(map, specifier, std::string("https://example.com") + referrer);
  };
  CHECK(in("/scope1/foo.mjs", "a") == "https://example.com/a-1.mjs");
  CHECK(in("/scope2/foo.mjs", "a") == "https://example.com/a-2.mjs");
  CHECK(in("/scope2/foo.mjs", "b") == "https://example.com/b-1.mjs");
  CHECK(in("/scope2/scope3/foo.mjs", "a") == "https://example.com/a-2.mjs");
  CHECK(in("/scope2/scope3/foo.mjs", "b") == "https://example.com/b-3.mjs");
  CHECK(in("/scope2/scope3/foo.mjs", "c") == "https://example.com/c-1.mjs");
}

TEST_CASE("bundler::ImportMap: URL keys remap URLs, keys are normalised against the map") {
  auto map = ImportMap::parse(R"({"imports": {
    "https://www.unpkg.com/vue/dist/vue.runtime.esm.js": "/node_modules/vue/dist/vue.runtime.esm.js",
    "https://www.unpkg.com/lodash/": "/node_modules/lodash-es/",
    "./app/helpers.mjs": "./app/helpers/index.mjs",
    "../../../../../outside": "/x.js"
  }})",
                              "https://example.com/maps/import_map.json");
  CHECK(resolve(map, "https://www.unpkg.com/vue/dist/vue.runtime.esm.js") ==
        "https://example.com/node_modules/vue/dist/vue.runtime.esm.js");
  CHECK(resolve(map, "https://www.unpkg.com/lodash/map.js") ==
        "https://example.com/node_modules/lodash-es/map.js");
  CHECK(resolve(map, "./maps/app/helpers.mjs", "https://example.com/main.mjs") ==
        "https://example.com/maps/app/helpers/index.mjs");
  CHECK(resolve(map, "/outside") == "https://example.com/x.js");
}

TEST_CASE("bundler::ImportMap: prefix matches skip non-special URLs (data:, jsr:, npm:)") {
  auto map = ImportMap::parse(R"({"imports": {
    "data:text/": "/blocked/",
    "jsr:@std/": "/local-std/",
    "jsr:@std/assert": "/assert.ts"
  }})",
                              k_base);
  CHECK(resolve(map, "data:text/javascript,1") == "data:text/javascript,1");
  CHECK(resolve(map, "jsr:@std/path") == "jsr:@std/path");
  CHECK(resolve(map, "jsr:@std/assert") == "https://example.com/assert.ts");
}

TEST_CASE("bundler::ImportMap: bad entries warn and block, resolution errors say why") {
  auto map = ImportMap::parse(R"({"imports": {
    "null": null,
    "number": 1,
    "bad-address": "not a url",
    "pkg/": "/no-trailing-slash",
    "up/": "/packages/up/",
    "": "/empty.js"
  }, "other": {}})",
                              k_base);
  std::vector<std::string> expected = {
      "Invalid empty string specifier.",
      "Invalid address \"not a url\" for the specifier key \"bad-address\".",
      "Invalid address null for the specifier key \"null\". Addresses must be strings.",
      "Invalid address 1 for the specifier key \"number\". Addresses must be strings.",
      "Invalid target address \"https://example.com/no-trailing-slash\" for package specifier "
      "\"pkg/\". Package address targets must end with \"/\".",
      "Invalid top-level key \"other\". Only \"imports\" and \"scopes\" can be present."};
  CHECK(map.warnings() == expected);
  CHECK(error_of(map, "null") == "Blocked by null entry for \"\"null\"\"");
  CHECK(error_of(map, "bad-address") == "Blocked by null entry for \"\"bad-address\"\"");
  CHECK(error_of(map, "pkg/x.js") == "Blocked by null entry for \"\"pkg/\"\"");
  CHECK(error_of(map, "up/../../etc/passwd") ==
        "The specifier \"up/../../etc/passwd\" backtracks above its prefix \"up/\"");
  CHECK(resolve(map, "up/a/./b/../c.js") == "https://example.com/packages/up/a/b/c.js");

  CHECK_THROWS_WITH_AS(ImportMap::parse("[]", k_base), "Import map JSON must be an object",
                       util::Error);
  CHECK_THROWS_WITH_AS(ImportMap::parse(R"({"imports": []})", k_base),
                       "Import map's 'imports' must be an object", util::Error);
  CHECK_THROWS_WITH_AS(ImportMap::parse(R"({"scopes": {"/a/": 1}})", k_base),
                       "The value for the \"/a/\" scope prefix must be an object", util::Error);
  CHECK_THROWS_AS(ImportMap::parse("{", k_base), util::Error);
}

TEST_CASE("bundler::ImportMap: deno.json maps jsr:/npm: keys as packages too") {
  auto expanded = ImportMap::expand_deno_json_imports(nlohmann::json::parse(R"({
    "imports": {
      "hello": "jsr:@sbfn/hello@^1.1",
      "@std": "jsr:/@std",
      "express": "npm:express@4",
      "express-dir": "npm:express@4/",
      "foo": "https://example.com/foo/bar",
      "kept": "npm:kept@1",
      "kept/": "npm:/kept@1/lib/"
    },
    "scopes": {"./sub/": {"zod": "npm:zod@3"}}
  })"));
  CHECK(expanded["imports"]["hello/"] == "jsr:/@sbfn/hello@^1.1/");
  CHECK(expanded["imports"]["@std/"] == "jsr:/@std/");
  CHECK(expanded["imports"]["express/"] == "npm:/express@4/");
  CHECK_FALSE(expanded["imports"].contains("express-dir/"));
  CHECK_FALSE(expanded["imports"].contains("foo/"));
  CHECK(expanded["imports"]["kept/"] == "npm:/kept@1/lib/");
  CHECK(expanded["scopes"]["./sub/"]["zod/"] == "npm:/zod@3/");

  auto map = ImportMap::from_json(expanded, "file:///p/deno.json");
  CHECK(resolve(map, "hello", "file:///p/main.ts") == "jsr:@sbfn/hello@^1.1");
  CHECK(resolve(map, "hello/sub", "file:///p/main.ts") == "jsr:/@sbfn/hello@^1.1/sub");
  CHECK(resolve(map, "express/router", "file:///p/main.ts") == "npm:/express@4/router");
  CHECK(resolve(map, "zod", "file:///p/sub/a.ts") == "npm:zod@3");
  CHECK(resolve(map, "zod", "file:///p/a.ts") == "<unmapped>");
}
