// The npm graph <-> deno.lock: entries read and written back exactly as Deno writes them
// (../shared/reference/deno.md §5; deno_lockfile's printer for the `dep` / `dep@version` /
// `alias@npm:real@version` spellings), and package ids with nested peers.
#include "bundler/npm/snapshot.hpp"
#include "util/error.hpp"

#include <doctest/doctest.h>

namespace {

bundler::Lock deno_written_lock() {
  bundler::Lock lock;
  lock.specifiers = {{"jsr:@std/assert@1", "1.0.6"},
                     {"npm:cjs-demo@1", "1.0.1"},
                     {"npm:react-dom@18", "18.2.0_react@18.2.0"},
                     {"npm:user@1", "1.0.0"}};
  auto entry = [](std::string integrity, std::vector<std::string> deps) {
    bundler::LockedNpmPackage out;
    out.integrity = std::move(integrity);
    out.dependencies = std::move(deps);
    return out;
  };
  lock.npm["cjs-demo@1.0.1"] = entry("sha512-AC/f==", {});
  lock.npm["cjs-demo@1.0.1"].tarball = "http://127.0.0.1:8765/cjs-demo/-/cjs-demo-1.0.1.tgz";
  lock.npm["react-dom@18.2.0_react@18.2.0"] = entry("sha512-dom==", {"react", "scheduler"});
  lock.npm["react@18.2.0"] = entry("sha512-react==", {});
  lock.npm["scheduler@0.23.0"] = entry("sha512-sched==", {});
  lock.npm["shared@1.0.0"] = entry("sha512-s1==", {});
  lock.npm["shared@2.0.0"] = entry("sha512-s2==", {});
  lock.npm["user@1.0.0"] = entry("sha512-user==", {"my-alias@npm:shared@2.0.0", "shared@1.0.0"});
  lock.npm["user@1.0.0"].optional_dependencies = {"fsevents"};
  lock.npm["fsevents@2.3.3"] = entry("sha512-fse==", {});
  lock.npm["fsevents@2.3.3"].os = {"darwin"};
  return lock;
}

}  // namespace

TEST_CASE("bundler::read_npm_lock turns deno.lock's spellings into package ids") {
  auto snapshot = bundler::read_npm_lock(deno_written_lock());
  CHECK(snapshot.roots.at("react-dom@18") == "react-dom@18.2.0_react@18.2.0");
  CHECK(snapshot.roots.at("cjs-demo@1") == "cjs-demo@1.0.1");
  CHECK(snapshot.roots.count("@std/assert@1") == 0);  // jsr is not ours
  const auto& user = snapshot.packages.at("user@1.0.0");
  CHECK(user.dependencies.at("my-alias") == "shared@2.0.0");
  CHECK(user.dependencies.at("shared") == "shared@1.0.0");
  CHECK(user.dependencies.at("fsevents") == "fsevents@2.3.3");
  CHECK(user.optional_dependencies.count("fsevents") == 1);
  const auto& dom = snapshot.packages.at("react-dom@18.2.0_react@18.2.0");
  CHECK(dom.name == "react-dom");
  CHECK(dom.version == "18.2.0");
  CHECK(dom.dependencies.at("scheduler") == "scheduler@0.23.0");
  CHECK(snapshot.copy_index("react-dom@18.2.0_react@18.2.0") == 0);

  // Deno 2.1 (lockfile v4) keeps requirements as they were written.
  auto v4 = deno_written_lock();
  v4.version = "4";
  v4.specifiers = {{"npm:cjs-demo@^1", "1.0.1"}, {"npm:react-dom", "18.2.0_react@18.2.0"}};
  auto from_v4 = bundler::read_npm_lock(v4);
  CHECK(from_v4.roots.at("cjs-demo@1") == "cjs-demo@1.0.1");
  CHECK(from_v4.roots.at("react-dom@*") == "react-dom@18.2.0_react@18.2.0");

  auto broken = deno_written_lock();
  broken.npm["user@1.0.0"].dependencies.push_back("ghost");
  CHECK_THROWS_WITH_AS(bundler::read_npm_lock(broken),
                       doctest::Contains("depends on 'ghost', which the lockfile does not hold"),
                       util::Error);
}

TEST_CASE("bundler::write_npm_lock writes back what it read, as Deno writes it") {
  auto original = deno_written_lock();
  auto snapshot = bundler::read_npm_lock(original);
  bundler::Lock written;
  written.specifiers["jsr:@std/assert@1"] = "1.0.6";
  written.specifiers["npm:gone@1"] = "1.0.0";  // npm specifiers are replaced, jsr ones kept
  bundler::write_npm_lock(snapshot, written);
  CHECK(written.specifiers == original.specifiers);
  REQUIRE(written.npm.size() == original.npm.size());
  for (const auto& [id, entry] : original.npm) {
    INFO(id);
    const auto& out = written.npm.at(id);
    CHECK(out.integrity == entry.integrity);
    CHECK(out.dependencies == entry.dependencies);
    CHECK(out.optional_dependencies == entry.optional_dependencies);
    CHECK(out.os == entry.os);
    CHECK(out.tarball == entry.tarball);
  }
}

TEST_CASE("bundler::NpmSnapshot gives each peer variant of a version its own copy") {
  bundler::NpmSnapshot snapshot;
  for (const auto* id : {"plugin@1.0.0_react@17.0.0", "plugin@1.0.0_react@18.2.0", "plugin@1.0.0",
                         "plugin@1.0.0-beta.1", "plugin@1.0.1"}) {
    snapshot.packages[id].id = id;
  }
  CHECK(snapshot.copy_index("plugin@1.0.0") == 0);
  CHECK(snapshot.copy_index("plugin@1.0.0_react@17.0.0") == 1);
  CHECK(snapshot.copy_index("plugin@1.0.0_react@18.2.0") == 2);
  CHECK(snapshot.copy_index("plugin@1.0.0-beta.1") == 0);
  CHECK(snapshot.copy_index("plugin@1.0.1") == 0);
}

TEST_CASE("bundler::nested_package_id writes an id deeper inside another one") {
  using bundler::nested_package_id;
  CHECK(nested_package_id("a@1.0.0", 1) == "a@1.0.0");
  CHECK(nested_package_id("a@1.0.0_b@2.0.0_c@3.0.0", 1) == "a@1.0.0__b@2.0.0__c@3.0.0");
  CHECK(nested_package_id("a@1.0.0_@s+p@2.0.0__x@1.0.0", 0) == "a@1.0.0_@s+p@2.0.0__x@1.0.0");
  CHECK(nested_package_id("@s/a@1.0.0_@s+p@2.0.0__x@1.0.0", 1) ==
        "@s+a@1.0.0__@s+p@2.0.0___x@1.0.0");
  CHECK(bundler::split_package_id("@s/a@1.0.0_@s+p@2.0.0") ==
        std::pair<std::string, std::string>{"@s/a", "1.0.0"});
  CHECK_THROWS_AS(bundler::split_package_id("nope"), util::Error);
}
