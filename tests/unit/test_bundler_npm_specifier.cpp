// npm: specifiers as Deno parses them, and requirements written as deno.lock writes them
// (the expected spellings are deno_semver's, ../shared/reference/deno.md §2 and §5).
#include "bundler/npm/specifier.hpp"
#include "util/error.hpp"

#include <doctest/doctest.h>

using bundler::normalize_specifier_req;
using bundler::parse_npm_specifier;

TEST_CASE("bundler::parse_npm_specifier splits name, requirement and subpath") {
  auto scoped = parse_npm_specifier("npm:@supabase/supabase-js@2/dist/module/index.js");
  CHECK(scoped.name == "@supabase/supabase-js");
  CHECK(scoped.req == "2");
  CHECK(scoped.subpath == "dist/module/index.js");
  CHECK(scoped.lock_key() == "npm:@supabase/supabase-js@2");

  auto plain = parse_npm_specifier("npm:zod");
  CHECK(plain.name == "zod");
  CHECK(plain.req.empty());
  CHECK(plain.subpath.empty());
  CHECK(plain.package_req() == "zod@*");
  CHECK(plain.range() == "*");

  // The leading slash that import-map prefix joins produce.
  auto joined = parse_npm_specifier("npm:/preact@^10.5/hooks");
  CHECK(joined.name == "preact");
  CHECK(joined.req == "^10.5");
  CHECK(joined.subpath == "hooks");
  CHECK(joined.package_req() == "preact@^10.5.0");

  CHECK(parse_npm_specifier("npm:hono@next").package_req() == "hono@next");
}

TEST_CASE("bundler::parse_npm_specifier refuses what Deno refuses, saying why") {
  CHECK_THROWS_WITH_AS(parse_npm_specifier("npm:"),
                       "Invalid package specifier 'npm:'\n    0: Did not contain a package name",
                       util::Error);
  CHECK_THROWS_WITH_AS(parse_npm_specifier("npm:@scope"),
                       "Invalid package specifier 'npm:@scope'\n    0: Did not contain a valid "
                       "package name",
                       util::Error);
  CHECK_THROWS_WITH_AS(parse_npm_specifier("npm:preact/hooks@10"),
                       doctest::Contains("Did you mean to write 'npm:preact@10/hooks'?"),
                       util::Error);
  CHECK_THROWS_AS(parse_npm_specifier("npm:zod@>=3 <4"), util::Error);
  CHECK_THROWS_AS(parse_npm_specifier("jsr:@std/assert"), util::Error);
}

TEST_CASE("bundler::normalize_specifier_req writes a requirement the way deno.lock does") {
  CHECK(normalize_specifier_req("") == "*");
  CHECK(normalize_specifier_req("*") == "*");
  CHECK(normalize_specifier_req("x") == "*");
  CHECK(normalize_specifier_req("1") == "1");
  CHECK(normalize_specifier_req("^1") == "1");
  CHECK(normalize_specifier_req("1.x") == "1");
  CHECK(normalize_specifier_req("^1.1") == "^1.1.0");
  CHECK(normalize_specifier_req("1.2") == "1.2");
  CHECK(normalize_specifier_req("~1.2") == "1.2");
  CHECK(normalize_specifier_req("~1.2.0") == "1.2");
  CHECK(normalize_specifier_req("~1.2.3") == "~1.2.3");
  CHECK(normalize_specifier_req("^1.2.3") == "^1.2.3");
  CHECK(normalize_specifier_req("^1.0.0") == "1");
  CHECK(normalize_specifier_req("^0.2.3") == "~0.2.3");  // same range; Deno prefers ~
  CHECK(normalize_specifier_req("^0.2") == "0.2");
  CHECK(normalize_specifier_req("^0.0.3") == "^0.0.3");
  CHECK(normalize_specifier_req("1.2.3") == "1.2.3");
  CHECK(normalize_specifier_req("1.2.3-beta.1") == "1.2.3-beta.1");
  CHECK(normalize_specifier_req("^1.2.3-beta.1") == "^1.2.3-beta.1");
  CHECK(normalize_specifier_req("latest") == "latest");
  CHECK_THROWS_AS(normalize_specifier_req(">=1 <2"), util::Error);
  CHECK_THROWS_AS(normalize_specifier_req("1 || 2"), util::Error);
}

TEST_CASE("bundler::split_package_specifier reads bare specifiers") {
  std::string name, subpath;
  REQUIRE(bundler::split_package_specifier("@scope/pkg/sub/x.js", name, subpath));
  CHECK(name == "@scope/pkg");
  CHECK(subpath == "sub/x.js");
  REQUIRE(bundler::split_package_specifier("lodash", name, subpath));
  CHECK(name == "lodash");
  CHECK(subpath.empty());
  CHECK_FALSE(bundler::split_package_specifier("./x", name, subpath));
  CHECK_FALSE(bundler::split_package_specifier("@scope", name, subpath));
  CHECK_FALSE(bundler::split_package_specifier("node:fs", name, subpath));
  CHECK(bundler::package_basename("@scope/pkg") == "pkg");
  CHECK(bundler::package_scope("@scope/pkg") == "scope");
  CHECK(bundler::package_scope("pkg").empty());
}
