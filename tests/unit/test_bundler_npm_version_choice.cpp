// Deno's version choice (deno_npm's resolution/common.rs), with the cases of its own tests
// as the oracle, answered through npm's semver.
#include "bundler/npm/packument.hpp"
#include "bundler/npm/version_choice.hpp"
#include "util/error.hpp"

#include <doctest/doctest.h>
#include <nlohmann/json.hpp>

namespace {

bundler::Packument packument(const std::string& name, const std::vector<std::string>& versions,
                             const std::map<std::string, std::string>& tags) {
  nlohmann::json doc = {
      {"name", name}, {"dist-tags", tags}, {"versions", nlohmann::json::object()}};
  for (const auto& version : versions) {
    doc["versions"][version] = {{"version", version}};
  }
  return bundler::parse_packument(doc.dump(), name);
}

}  // namespace

TEST_CASE("bundler::VersionChooser follows Deno's order: graph, tag, latest, highest") {
  bundler::VersionChooser chooser;
  auto p = packument("some-pkg", {"1.0.0", "1.1.0", "1.2.0-beta.1", "2.0.0", "3.0.0"},
                     {{"latest", "2.0.0"}, {"beta", "1.2.0-beta.1"}});
  CHECK(chooser.choose(p, "*", {}) == "2.0.0");    // a wildcard takes latest
  CHECK(chooser.choose(p, "^1", {}) == "1.1.0");   // latest does not fit
  CHECK(chooser.choose(p, ">=2", {}) == "2.0.0");  // latest fits: taken over 3.0.0
  CHECK(chooser.choose(p, "beta", {}) == "1.2.0-beta.1");
  CHECK(chooser.choose(p, "^1", {"1.0.0"}) == "1.0.0");  // already in the graph
  CHECK(chooser.choose(p, "*", {"3.0.0"}) == "3.0.0");
  CHECK(chooser.choose(p, "^1.2.0-beta.1", {}) == "1.2.0-beta.1");
  CHECK_FALSE(chooser.try_choose(p, "^4", {"1.0.0"}).has_value());
  CHECK(chooser.satisfies(p, "1.2.0-beta.1", "beta"));
  CHECK_FALSE(chooser.satisfies(p, "1.2.0-beta.1", "^1"));
  CHECK(chooser.is_tag("beta"));
  CHECK_FALSE(chooser.is_tag(">= 1.2"));
}

TEST_CASE("bundler::VersionChooser matches deno_npm's own test cases") {
  bundler::VersionChooser chooser;
  // test_wildcard_version_req: a prerelease latest is still taken for "*".
  auto rc = packument("some-pkg", {"1.0.0-rc.1", "2.0.0"}, {{"latest", "1.0.0-rc.1"}});
  CHECK(chooser.choose(rc, "*", {}) == "1.0.0-rc.1");
  // test_latest_tag_version_req: latest wins when the range takes it.
  auto pre =
      packument("some-pkg", {"0.1.0-alpha.1", "0.1.0-alpha.2", "0.1.0-beta.1", "0.1.0-beta.2"},
                {{"latest", "0.1.0-alpha.2"}, {"dev", "0.1.0-beta.2"}});
  CHECK(chooser.choose(pre, "^0.1.0-alpha.2", {}) == "0.1.0-alpha.2");
  CHECK(chooser.choose(pre, "^0.1.0-beta.2", {}) == "0.1.0-beta.2");
  // test_types_node_version: @types/node never takes latest by default.
  auto types = packument("@types/node", {"1.0.0", "1.1.0", "2.0.0"}, {{"latest", "1.0.0"}});
  CHECK(chooser.choose(types, "1", {}) == "1.1.0");
  // A dist-tag naming a version the packument lacks.
  auto broken = packument("test", {"0.1.0"}, {{"latest", "1.0.0-alpha"}});
  CHECK_THROWS_WITH_AS(chooser.choose(broken, "latest", {}),
                       "Could not find version '1.0.0-alpha' referenced in dist-tag 'latest' for "
                       "npm package 'test'.",
                       util::Error);
}

TEST_CASE("bundler::parse_packument refuses fields of the wrong type with util::Error") {
  // Found by fuzz/packument.cpp: nlohmann's type_error escaped as an unexpected exception.
  for (const char* text : {
           R"({"name":"p","versions":{"1.0.0":{"version":{"x":1}}}})",
           R"({"name":{"x":1},"versions":{}})",
       }) {
    INFO(text);
    CHECK_THROWS_AS(bundler::parse_packument(text, "p"), util::Error);
  }
}
