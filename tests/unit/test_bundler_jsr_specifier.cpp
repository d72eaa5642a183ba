// jsr:/npm: specifier grammar and version requirements, with deno_semver's meanings and
// Deno's messages (checked against deno 2.9.6).
#include "bundler/jsr/package_req.hpp"
#include "bundler/jsr/version_req.hpp"
#include "util/error.hpp"

#include <doctest/doctest.h>

using bundler::Version;
using bundler::VersionReq;

namespace {

bool matches(const char* req, const char* version) {
  return VersionReq::parse_specifier(req).matches(*Version::parse(version));
}

std::string normalized(const char* req) {
  return VersionReq::parse_specifier(req).normalized();
}

std::string error_of(const char* specifier) {
  try {
    bundler::parse_package_req_reference(specifier, "jsr");
  } catch (const util::Error& error) {
    return error.what();
  }
  return "";
}

}  // namespace

TEST_CASE("bundler::VersionReq: the meanings deno.md §2 lists") {
  CHECK(matches("1", "1.9.9"));
  CHECK_FALSE(matches("1", "2.0.0"));
  CHECK(matches("1.2", "1.2.7"));
  CHECK_FALSE(matches("1.2", "1.3.0"));
  CHECK(matches("^1.2", "1.9.0"));
  CHECK_FALSE(matches("^1.2", "1.1.9"));
  CHECK(matches("^0.2.3", "0.2.9"));
  CHECK_FALSE(matches("^0.2.3", "0.3.0"));
  CHECK(matches("^0.0.3", "0.0.3"));
  CHECK_FALSE(matches("^0.0.3", "0.0.4"));
  CHECK(matches("~1.2.3", "1.2.9"));
  CHECK_FALSE(matches("~1.2.3", "1.3.0"));
  CHECK(matches("~0.0.1", "0.0.2"));  // as deno_semver: ~ bumps the minor
  CHECK(matches("1.x", "1.4.0"));
  CHECK(matches("*", "7.0.0"));
  CHECK(matches("1.2.3", "1.2.3"));
  CHECK_FALSE(matches("1.2.3", "1.2.4"));
  // A prerelease matches only a range naming a prerelease of the same version.
  CHECK_FALSE(matches("*", "2.0.0-beta.1"));
  CHECK_FALSE(matches("1", "1.1.0-rc.1"));
  CHECK(matches("1.2.3-beta.1", "1.2.3-beta.1"));
  CHECK(matches("^1.0.1-pre", "1.0.1-pre.2"));
  CHECK(matches("^1.0.1-pre", "1.0.1"));
  CHECK(VersionReq::parse_specifier("latest").is_tag());
  CHECK(VersionReq::parse_specifier("v1.0").is_tag());
  CHECK_FALSE(VersionReq::parse_specifier("latest").matches(*Version::parse("1.0.0")));
}

TEST_CASE("bundler::VersionReq: deno.lock's normalised spelling") {
  CHECK(normalized("^1") == "1");
  CHECK(normalized("^1.1") == "^1.1.0");
  CHECK(normalized("1") == "1");
  CHECK(normalized("1.x") == "1");
  CHECK(normalized("1.2") == "1.2");
  CHECK(normalized("~1.2") == "1.2");
  CHECK(normalized("^1.0.0") == "1");
  CHECK(normalized("~1.0.0") == "1.0");
  CHECK(normalized("^0.1.0") == "0.1");
  CHECK(normalized("^0.2.3") == "~0.2.3");
  CHECK(normalized("^2.3.4") == "^2.3.4");
  CHECK(normalized("~2.3.4") == "~2.3.4");
  CHECK(normalized("^0.0.2") == "^0.0.2");
  CHECK(normalized("^0.0.0") == "^0.0.0");
  CHECK(normalized("1.2.3") == "1.2.3");
  CHECK(normalized("*") == "*");
  CHECK(normalized("^1.0.0-beta.1") == "^1.0.0-beta.1");
  CHECK(normalized("~1.0.0-beta.1") == "~1.0.0-beta.1");
  CHECK(normalized("1.0.0-beta.1+build123") == "1.0.0-beta.1+build123");
  CHECK(normalized("^0.2.3-beta.1") == "~0.2.3-beta.1");
  CHECK(normalized("latest") == "latest");
}

TEST_CASE("bundler::Version orders as semver does") {
  auto v = [](const char* s) { return *Version::parse(s); };
  CHECK(v("0.99.0") < v("0.225.1"));
  CHECK(v("1.0.0-alpha") < v("1.0.0-alpha.1"));
  CHECK(v("1.0.0-alpha.1") < v("1.0.0-alpha.beta"));
  CHECK(v("1.0.0-beta.2") < v("1.0.0-beta.11"));
  CHECK(v("1.0.0-rc.1") < v("1.0.0"));
  CHECK(v("1.0.0+a") == v("1.0.0+b"));
  CHECK(v("1.2.3-beta.1+sha").to_string() == "1.2.3-beta.1+sha");
  CHECK_FALSE(Version::parse("1.2"));
  CHECK_FALSE(Version::parse("1.2.3.4"));
}

TEST_CASE("bundler::parse_package_req_reference splits name, requirement and sub path") {
  auto ref = bundler::parse_package_req_reference("jsr:@std/path@^1/posix/join", "jsr");
  CHECK(ref.req.name == "@std/path");
  CHECK(ref.req.version_req.raw() == "^1");
  CHECK(ref.sub_path == "posix/join");
  CHECK(ref.req.normalized() == "@std/path@1");

  auto slash = bundler::parse_package_req_reference("jsr:/@std/path@1.0.0/", "jsr");
  CHECK(slash.req.to_string() == "@std/path@1.0.0");
  CHECK(slash.sub_path.empty());

  auto bare = bundler::parse_package_req_reference("jsr:@std/assert", "jsr");
  CHECK(bare.req.version_req.raw() == "*");
  CHECK(bare.req.normalized() == "@std/assert@*");
  CHECK(bare.req.to_string() == "@std/assert");

  CHECK(bundler::parse_package_req_reference("npm:zod@3/lib", "npm").req.name == "zod");

  CHECK(bundler::normalized_export_name("") == ".");
  CHECK(bundler::normalized_export_name("/") == ".");
  CHECK(bundler::normalized_export_name("posix/join") == "./posix/join");
  CHECK(bundler::normalized_export_name("test/") == "./test");
  CHECK(bundler::normalized_export_name("./test") == "./test");
}

TEST_CASE("bundler::parse_package_req_reference gives Deno's messages for bad specifiers") {
  CHECK(error_of("jsr:@std/path/join@1") ==
        "Invalid package specifier 'jsr:@std/path/join@1'. Did you mean to write "
        "'jsr:@std/path@1/join'? If not, add a version requirement to the specifier.");
  CHECK(error_of("jsr:@std/path@>=1 <2") ==
        "Invalid package specifier 'jsr:@std/path@>=1 <2'\n"
        "    0: Invalid specifier version requirement\n"
        "    1: Unexpected character.\n"
        "         >=1 <2\n"
        "         ~");
  CHECK(error_of("jsr:@std/path@1.2.3abc") ==
        "Invalid package specifier 'jsr:@std/path@1.2.3abc'\n"
        "    0: Invalid specifier version requirement\n"
        "    1: Unexpected character.\n"
        "         abc\n"
        "         ~");
  CHECK(error_of("jsr:@std/path@") ==
        "Invalid package specifier 'jsr:@std/path@'\n"
        "    0: Invalid specifier version requirement\n"
        "    1: Empty version constraint.\n"
        "         \n"
        "         ~");
  CHECK(error_of("jsr:@std") ==
        "Invalid package specifier 'jsr:@std'\n    0: Did not contain a valid package name");
  CHECK(error_of("jsr:") ==
        "Invalid package specifier 'jsr:'\n    0: Did not contain a package name");
  CHECK(error_of("jsr:std/path") ==
        "Invalid package specifier 'jsr:std/path'\n"
        "    0: Packages in the format <scope>/<name> must start with an '@' symbol");
}
