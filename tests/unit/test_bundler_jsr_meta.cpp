// JSR metadata documents of unexpected shapes (bundler/jsr/jsr_meta.hpp): what a registry,
// a mirror or a damaged cache record can hold is ignored or refused with util::Error,
// never a JSON exception. Cases found by fuzz/jsr_meta.cpp.
#include "bundler/jsr/jsr_meta.hpp"
#include "util/error.hpp"

#include <doctest/doctest.h>

using nlohmann::json;

namespace {

const std::string k_base = "https://jsr.io/@sbfn/hello/1.0.0/";

bundler::VersionReq req(const char* text) {
  return bundler::VersionReq::parse_specifier(text);
}

}  // namespace

TEST_CASE("bundler::jsr_version_from_meta reads versions, yanked and latest") {
  auto meta = json::parse(
      R"({"latest":"1.2.0","versions":{"1.0.0":{},"1.2.0":{},"1.3.0":{"yanked":true},"x":{}}})");
  CHECK(bundler::jsr_version_from_meta(meta, req("^1")) == "1.2.0");
  CHECK(bundler::jsr_version_from_meta(meta, req("1.3.0")) == "1.3.0");
  CHECK(bundler::jsr_version_from_meta(meta, req("latest")) == "1.2.0");
  CHECK_FALSE(bundler::jsr_version_from_meta(meta, req("^2")));
}

TEST_CASE("bundler::jsr_version_from_meta ignores fields of the wrong type") {
  // "yanked" that is not a boolean made nlohmann's type_error escape the resolver.
  auto meta = json::parse(R"({"versions":{"1.0.0":{"yanked":"yes"},"1.1.0":{"yanked":1}}})");
  CHECK(bundler::jsr_version_from_meta(meta, req("^1")) == "1.1.0");
  // `latest` becomes part of URLs: only a version is taken.
  CHECK_FALSE(
      bundler::jsr_version_from_meta(json::parse(R"({"latest":"../../x"})"), req("latest")));
  CHECK_FALSE(bundler::jsr_version_from_meta(json::parse(R"({"latest":7})"), req("latest")));
  for (const char* text : {R"([1,2])", R"("text")", R"({"versions":[]})", R"({"versions":null})"}) {
    INFO(text);
    CHECK_FALSE(bundler::jsr_version_from_meta(json::parse(text), req("*")));
  }
}

TEST_CASE("bundler::jsr_export_url resolves exports inside the package only") {
  auto meta = json::parse(R"({"exports":{".":"./mod.ts","./bad":"../../other/x.ts","./n":3}})");
  CHECK(bundler::jsr_export_url(meta, ".", k_base, "@sbfn/hello@1.0.0") == k_base + "mod.ts");
  CHECK_THROWS_WITH_AS(bundler::jsr_export_url(meta, "./bad", k_base, "@sbfn/hello@1.0.0"),
                       doctest::Contains("is outside the package"), util::Error);
  CHECK_THROWS_WITH_AS(bundler::jsr_export_url(meta, "./n", k_base, "@sbfn/hello@1.0.0"),
                       doctest::Contains("Unknown export './n'"), util::Error);
  CHECK_THROWS_AS(bundler::jsr_export_url(json::array(), ".", k_base, "p"), util::Error);
}

TEST_CASE("bundler::jsr_manifest_checksum refuses manifest entries of the wrong type") {
  auto good = json::parse(R"({"manifest":{"/mod.ts":{"checksum":"sha256-abc"}}})");
  CHECK(bundler::jsr_manifest_checksum(good, "/mod.ts", k_base + "mod.ts") == "abc");
  // An entry that is not an object, or a checksum that is not a string, made nlohmann's
  // type_error escape instead of the resolver's message.
  for (const char* text :
       {R"({"manifest":{"/mod.ts":"sha256-abc"}})", R"({"manifest":{"/mod.ts":{"checksum":5}}})",
        R"({"manifest":{"/mod.ts":null}})"}) {
    INFO(text);
    CHECK_THROWS_WITH_AS(bundler::jsr_manifest_checksum(json::parse(text), "/mod.ts", "u"),
                         doctest::Contains("Unsupported checksum in package manifest for \"u\""),
                         util::Error);
  }
  for (const char* text : {R"({"manifest":[]})", R"({"manifest":"x"})", R"([])"}) {
    INFO(text);
    CHECK_THROWS_WITH_AS(bundler::jsr_manifest_checksum(json::parse(text), "/mod.ts", "u"),
                         "Module not found \"u\".", util::Error);
  }
}
