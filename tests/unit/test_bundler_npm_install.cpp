// NpmResolver::install against a real registry on 127.0.0.1 (npm_registry_fixture): the
// versions Deno would choose, the tree with nested versions, peers and optional
// dependencies, the lockfile, the cache, and the messages a person sees when it fails.
#include "support/npm_registry_fixture.hpp"
#include "support/temp_dir.hpp"

#include "bundler/npm/npm.hpp"
#include "util/error.hpp"
#include "util/files.hpp"

#include <doctest/doctest.h>

#include <algorithm>
#include <filesystem>
#include <thread>

namespace fs = std::filesystem;
using bundler::NpmOptions;
using bundler::NpmResolver;
using bundler::parse_npm_specifier;
using bundler::ResolutionKind;
using nlohmann::json;

namespace {

bundler::EnvLookup no_env() {
  return [](const std::string&) -> std::optional<std::string> { return std::nullopt; };
}

// The registry, a cache and a lockfile for one test.
struct Setup {
  test_support::NpmRegistryFixture registry;
  test_support::TempDir temp;
  bundler::Cache cache{temp.path / "cache"};
  bundler::HttpClient http;
  bundler::Lock lock;

  bundler::Npmrc npmrc(const std::string& extra = "") const {
    return bundler::Npmrc::parse("registry=" + registry.url() + "\n" + extra, no_env());
  }
  NpmResolver resolver(NpmOptions options = {}) {
    return NpmResolver(cache, http, npmrc(), lock, options);
  }
  // Publishes name@version whose index.js exports "name@version".
  void publish(const std::string& name, const std::string& version, json extra = json::object(),
               std::map<std::string, std::string> files = {}, bool latest = true) {
    extra["name"] = name;
    extra["version"] = version;
    files.emplace("index.js", "module.exports = '" + name + "@" + version + "';\n");
    registry.publish(extra, files, latest);
  }
};

std::vector<bundler::NpmSpecifier> specs(std::initializer_list<const char*> texts) {
  std::vector<bundler::NpmSpecifier> out;
  for (const auto* text : texts) {
    out.push_back(parse_npm_specifier(text));
  }
  return out;
}

// What the file a resolution names says it is ("name@version").
std::string exported(const std::string& path) {
  auto text = util::read_file(path);
  auto start = text.find('\'') + 1;
  return text.substr(start, text.find('\'', start) - start);
}

// What two locks say about npm (Lock's own operator== cannot compile: its entry types have
// none).
bool same_npm(const bundler::Lock& a, const bundler::Lock& b) {
  if (a.specifiers != b.specifiers || a.npm.size() != b.npm.size()) {
    return false;
  }
  for (const auto& [id, entry] : a.npm) {
    auto it = b.npm.find(id);
    if (it == b.npm.end() || it->second.integrity != entry.integrity ||
        it->second.dependencies != entry.dependencies ||
        it->second.optional_dependencies != entry.optional_dependencies ||
        it->second.tarball != entry.tarball) {
      return false;
    }
  }
  return true;
}

const bundler::InstalledNpmPackage& package(const std::vector<bundler::InstalledNpmPackage>& all,
                                            const std::string& id) {
  auto it = std::find_if(all.begin(), all.end(), [&](const auto& p) { return p.id == id; });
  REQUIRE(it != all.end());
  return *it;
}

}  // namespace

TEST_CASE(
    "bundler::NpmResolver picks versions for ranges, dist-tags and prereleases as Deno does") {
  Setup s;
  s.publish("ranged", "1.0.0");
  s.publish("ranged", "1.2.0");
  s.publish("ranged", "1.3.0-beta.1");
  s.publish("ranged", "2.0.0");
  s.publish("ranged", "2.1.0-rc.1");
  s.registry.set_dist_tag("ranged", "next", "2.1.0-rc.1");
  auto pick = [&](const char* text) {
    bundler::Lock lock;
    NpmResolver resolver(s.cache, s.http, s.npmrc(), lock);
    auto spec = parse_npm_specifier(text);
    resolver.install({spec});
    auto version = lock.specifiers.at(spec.lock_key());
    CHECK(exported(resolver.resolve(spec, ResolutionKind::import)) == "ranged@" + version);
    return version;
  };
  CHECK(pick("npm:ranged@1") == "1.2.0");                     // highest stable in range
  CHECK(pick("npm:ranged") == "2.0.0");                       // `latest`
  CHECK(pick("npm:ranged@2") == "2.0.0");                     // `latest` satisfies: no prerelease
  CHECK(pick("npm:ranged@next") == "2.1.0-rc.1");             // a dist-tag
  CHECK(pick("npm:ranged@^1.3.0-beta.1") == "1.3.0-beta.1");  // the range names it
  CHECK(pick("npm:ranged@1.0.0") == "1.0.0");
  // Within one graph, a version already chosen is reused when it fits.
  auto resolver = s.resolver();
  resolver.install(specs({"npm:ranged@1", "npm:ranged"}));
  CHECK(s.lock.specifiers.at("npm:ranged@1") == "1.2.0");
  CHECK(s.lock.specifiers.at("npm:ranged@*") == "1.2.0");
}

TEST_CASE("bundler::NpmResolver with reload downloads the packument again, tarballs not") {
  Setup s;
  s.publish("fresh", "1.0.0");
  auto pick = [&](NpmOptions options) {
    bundler::Lock lock;
    NpmResolver resolver(s.cache, s.http, s.npmrc(), lock, options);
    resolver.install(specs({"npm:fresh@1"}));
    return lock.specifiers.at("npm:fresh@1");
  };
  CHECK(pick({}) == "1.0.0");
  s.publish("fresh", "1.1.0");
  auto before = s.registry.hits("/fresh");
  CHECK(pick({}) == "1.0.0");  // offline first: the cached packument fits
  CHECK(s.registry.hits("/fresh") == before);
  NpmOptions reload;
  reload.reload = true;  // noModuleCache, deno --reload
  CHECK(pick(reload) == "1.1.0");
  CHECK(s.registry.hits("/fresh") == before + 2);  // the packument and the new tarball
  CHECK(s.registry.hits("/fresh/-/fresh-1.0.0.tgz") == 1);
}

TEST_CASE("bundler::NpmResolver nests versions where ranges conflict and records them as Deno") {
  Setup s;
  s.publish("shared", "1.0.0");
  s.publish("shared", "1.5.0");
  s.publish("shared", "2.0.0");
  s.publish("lib", "1.0.0", {{"dependencies", {{"shared", "^2"}}}});
  s.publish("app", "1.0.0", {{"dependencies", {{"shared", "^1.0.0"}, {"lib", "1"}}}});
  auto resolver = s.resolver();
  resolver.install(specs({"npm:app@1"}));
  auto all = resolver.packages();
  const auto& app = package(all, "app@1.0.0");
  const auto& lib = package(all, "lib@1.0.0");
  CHECK(exported(*resolver.resolve_from("shared", app.folder + "/index.js",
                                        ResolutionKind::require)) == "shared@1.5.0");
  CHECK(exported(*resolver.resolve_from("shared", lib.folder + "/index.js",
                                        ResolutionKind::import)) == "shared@2.0.0");
  CHECK(resolver.package_of(lib.folder + "/index.js") == "lib@1.0.0");
  CHECK_FALSE(
      resolver.resolve_from("shared", s.temp.path.string() + "/x.js", ResolutionKind::import));
  // deno.lock's spelling: `dep` when one version is locked, `dep@version` when several.
  CHECK(s.lock.specifiers.at("npm:app@1") == "1.0.0");
  CHECK(s.lock.npm.at("app@1.0.0").dependencies == std::vector<std::string>{"lib", "shared@1.5.0"});
  CHECK(s.lock.npm.at("lib@1.0.0").dependencies == std::vector<std::string>{"shared@2.0.0"});
  CHECK(s.lock.npm.at("shared@2.0.0").integrity.rfind("sha512-", 0) == 0);
  CHECK(s.lock.npm.at("shared@2.0.0").tarball ==
        s.registry.url() + "shared/-/shared-2.0.0.tgz");  // not the public registry's URL
  CHECK_THROWS_WITH_AS(
      resolver.resolve_from("undeclared", app.folder + "/index.js", ResolutionKind::import),
      doctest::Contains("Could not find package 'undeclared' from referrer"), util::Error);
}

TEST_CASE("bundler::NpmResolver resolves peers from ancestors, siblings and the roots") {
  Setup s;
  s.publish("react", "17.0.0");
  s.publish("react", "18.2.0");
  s.publish("react", "19.0.0");
  s.publish("react-dom", "18.2.0", {{"peerDependencies", {{"react", "^18.2.0"}}}});
  s.publish("plugin", "1.0.0", {{"peerDependencies", {{"react", ">=17"}}}});
  s.publish("host", "1.0.0", {{"dependencies", {{"react", "^18"}, {"plugin", "1"}}}});
  s.publish("old-host", "1.0.0", {{"dependencies", {{"react", "17"}, {"plugin", "1"}}}});
  s.publish("lonely", "1.0.0", {{"peerDependencies", {{"react", "^17"}}}});
  s.publish("optional-peer", "1.0.0",
            {{"peerDependencies", {{"react", "*"}}},
             {"peerDependenciesMeta", {{"react", {{"optional", true}}}}}});

  SUBCASE("Deno 2.1's rules for a v4 lockfile: the parent holding the peer carries it too") {
    s.lock.version = "4";
    auto resolver = s.resolver();
    resolver.install(specs({"npm:host@1", "npm:lonely@1", "npm:react@18"}));
    CHECK(s.lock.specifiers.at("npm:host@1") == "1.0.0_react@18.2.0");
    // A root out of the peer's range is passed over: react 17 is installed for it.
    CHECK(s.lock.specifiers.at("npm:lonely@1") == "1.0.0_react@17.0.0");
  }
  SUBCASE("Deno 2.9's rules: a root is taken for a peer even out of its range") {
    auto resolver = s.resolver();
    resolver.install(specs({"npm:lonely@1", "npm:react@18"}));
    CHECK(s.lock.specifiers.at("npm:lonely@1") == "1.0.0_react@18.2.0");
  }
  SUBCASE("a sibling: the dependent carries the peer in its id, its parent does not") {
    auto resolver = s.resolver();
    resolver.install(specs({"npm:host@1", "npm:old-host@1"}));
    CHECK(s.lock.specifiers.at("npm:host@1") == "1.0.0");
    CHECK(s.lock.specifiers.at("npm:old-host@1") == "1.0.0");
    CHECK(s.lock.npm.at("host@1.0.0").dependencies ==
          std::vector<std::string>{"plugin@1.0.0_react@18.2.0", "react@18.2.0"});
    CHECK(s.lock.npm.count("plugin@1.0.0_react@18.2.0") == 1);
    CHECK(s.lock.npm.count("plugin@1.0.0_react@17.0.0") == 1);
    // Each peer variant has its own copy of the files, so each finds its own react.
    auto all = resolver.packages();
    const auto& on_17 = package(all, "plugin@1.0.0_react@17.0.0");
    const auto& on_18 = package(all, "plugin@1.0.0_react@18.2.0");
    CHECK(on_17.layout_folder == "plugin@1.0.0");
    CHECK(on_18.layout_folder == "plugin@1.0.0_1");
    CHECK(on_17.folder != on_18.folder);
    CHECK(exported(*resolver.resolve_from("react", on_18.folder + "/index.js",
                                          ResolutionKind::require)) == "react@18.2.0");
    CHECK(exported(*resolver.resolve_from("react", on_17.folder + "/index.js",
                                          ResolutionKind::require)) == "react@17.0.0");
  }
  SUBCASE("a root requirement") {
    auto resolver = s.resolver();
    resolver.install(specs({"npm:react-dom@18", "npm:react@18"}));
    CHECK(s.lock.specifiers.at("npm:react-dom@18") == "18.2.0_react@18.2.0");
    CHECK(s.lock.specifiers.at("npm:react@18") == "18.2.0");
    CHECK(s.lock.npm.at("react-dom@18.2.0_react@18.2.0").dependencies ==
          std::vector<std::string>{"react"});
  }
  SUBCASE("nothing provides it: installed like a dependency, in range") {
    auto resolver = s.resolver();
    resolver.install(specs({"npm:react-dom@18"}));
    CHECK(s.lock.specifiers.at("npm:react-dom@18") == "18.2.0_react@18.2.0");
    CHECK(s.lock.npm.count("react@18.2.0") == 1);
    CHECK(s.lock.npm.count("react@19.0.0") == 0);
  }
  SUBCASE("an optional peer something provides is taken, and recorded as optional") {
    auto resolver = s.resolver();
    resolver.install(specs({"npm:optional-peer@1", "npm:react@17"}));
    CHECK(s.lock.specifiers.at("npm:optional-peer@1") == "1.0.0_react@17.0.0");
    const auto& entry = s.lock.npm.at("optional-peer@1.0.0_react@17.0.0");
    CHECK(entry.dependencies == std::vector<std::string>{"react"});
    CHECK(entry.optional_peers == std::vector<std::string>{"react"});
  }
  SUBCASE("a scoped peer is written with + inside the id") {
    s.publish("@types/react", "18.0.0");
    s.publish("typed", "1.0.0", {{"peerDependencies", {{"@types/react", "*"}}}});
    s.publish("typed-host", "1.0.0",
              {{"dependencies", {{"typed", "1"}, {"@types/react", "18"}, {"react", "18"}}}});
    auto resolver = s.resolver();
    resolver.install(specs({"npm:typed-host@1"}));
    CHECK(s.lock.specifiers.at("npm:typed-host@1") == "1.0.0");
    CHECK(s.lock.npm.count("typed@1.0.0_@types+react@18.0.0") == 1);
  }
  SUBCASE("an optional peer nothing provides is left out") {
    auto resolver = s.resolver();
    resolver.install(specs({"npm:optional-peer@1"}));
    CHECK(s.lock.specifiers.at("npm:optional-peer@1") == "1.0.0");
    CHECK(s.lock.npm.count("react@19.0.0") == 0);
    CHECK(s.lock.npm.at("optional-peer@1.0.0").dependencies.empty());
  }
}

TEST_CASE("bundler::NpmResolver follows aliases and cycles") {
  Setup s;
  s.publish("real", "1.0.0");
  s.publish("real", "2.0.0");
  s.publish("uses-alias", "1.0.0",
            {{"dependencies", {{"my-alias", "npm:real@^1"}, {"real", "^2"}}}});
  s.publish("ping", "1.0.0", {{"dependencies", {{"pong", "1"}}}});
  s.publish("pong", "1.0.0", {{"dependencies", {{"ping", "1"}}}});
  // A cycle with a peer inside it: pang needs a peer its dependent (pung) provides.
  s.publish("pung", "1.0.0", {{"dependencies", {{"pang", "1"}, {"real", "1"}}}});
  s.publish("pang", "1.0.0",
            {{"dependencies", {{"pung", "1"}}}, {"peerDependencies", {{"real", "*"}}}});
  auto resolver = s.resolver();
  resolver.install(specs({"npm:uses-alias@1", "npm:ping@1", "npm:pung@1"}));
  CHECK(s.lock.npm.at("uses-alias@1.0.0").dependencies ==
        std::vector<std::string>{"my-alias@npm:real@1.0.0", "real@2.0.0"});
  auto all = resolver.packages();
  const auto& user = package(all, "uses-alias@1.0.0");
  CHECK(exported(*resolver.resolve_from("my-alias", user.folder + "/index.js",
                                        ResolutionKind::require)) == "real@1.0.0");
  CHECK(exported(*resolver.resolve_from("real", user.folder + "/index.js",
                                        ResolutionKind::require)) == "real@2.0.0");
  CHECK(s.lock.npm.at("ping@1.0.0").dependencies == std::vector<std::string>{"pong"});
  CHECK(s.lock.npm.at("pong@1.0.0").dependencies == std::vector<std::string>{"ping"});
  CHECK(s.lock.specifiers.at("npm:pung@1") == "1.0.0");
  CHECK(s.lock.npm.count("pang@1.0.0_real@1.0.0") == 1);
}

TEST_CASE("bundler::NpmResolver skips unavailable optional dependencies and other platforms") {
  Setup s;
  s.publish("on-linux", "1.0.0", {{"os", {"linux"}}, {"cpu", {"x64", "arm64"}}});
  s.publish("on-windows", "1.0.0", {{"os", {"win32"}}});
  s.publish("too-old", "1.0.0");
  s.publish(
      "host", "1.0.0",
      {{"dependencies", {{"on-linux", "1"}, {"on-windows", "1"}}},
       {"optionalDependencies",
        {{"on-linux", "1"}, {"on-windows", "1"}, {"does-not-exist", "1"}, {"too-old", "^9"}}}});
  auto resolver = s.resolver();
  resolver.install(specs({"npm:host@1"}));
  const auto& entry = s.lock.npm.at("host@1.0.0");
  CHECK(entry.dependencies.empty());
  CHECK(entry.optional_dependencies == std::vector<std::string>{"on-linux", "on-windows"});
  CHECK(s.lock.npm.at("on-windows@1.0.0").os == std::vector<std::string>{"win32"});
  CHECK(s.registry.hits("/on-windows/-/") == 0);  // never downloaded
  auto all = resolver.packages();
  CHECK_FALSE(package(all, "on-windows@1.0.0").installed);
  const auto& host = package(all, "host@1.0.0");
  CHECK(exported(*resolver.resolve_from("on-linux", host.folder + "/index.js",
                                        ResolutionKind::require)) == "on-linux@1.0.0");
  CHECK_THROWS_WITH_AS(
      resolver.resolve_from("on-windows", host.folder + "/index.js", ResolutionKind::require),
      doctest::Contains("Cannot find module 'on-windows'"), util::Error);
}

TEST_CASE("bundler::NpmResolver leaves bundleDependencies inside the tarball") {
  Setup s;
  s.publish("bundling", "1.0.0",
            {{"dependencies", {{"inner", "^1"}}}, {"bundleDependencies", {"inner"}}},
            {{"node_modules/inner/package.json", R"({"name": "inner", "version": "1.0.0"})"},
             {"node_modules/inner/index.js", "module.exports = 'inner@1.0.0';\n"}});
  auto resolver = s.resolver();
  resolver.install(specs({"npm:bundling@1"}));
  CHECK(s.registry.hits("/inner") == 0);
  auto folder = package(resolver.packages(), "bundling@1.0.0").folder;
  CHECK(exported(*resolver.resolve_from("inner", folder + "/index.js", ResolutionKind::require)) ==
        "inner@1.0.0");
}

TEST_CASE("bundler::NpmResolver enters packages through exports, imports and main") {
  Setup s;
  s.publish("dual", "1.0.0",
            {{"exports",
              {{".", {{"import", "./esm/index.mjs"}, {"require", "./cjs/index.cjs"}}},
               {"./feature/*", "./lib/*.js"}}},
             {"imports", {{"#internal", "./lib/internal.js"}}}},
            {{"esm/index.mjs", "import '#internal'; export default 'dual@esm';\n"},
             {"cjs/index.cjs", "module.exports = 'dual@cjs';\n"},
             {"lib/a.js", "module.exports = 'dual@a';\n"},
             {"lib/internal.js", "module.exports = 'dual@internal';\n"}});
  s.publish("old-style", "1.0.0", {{"main", "lib/main"}},
            {{"lib/main.js", "module.exports = 'old-style@main';\n"}});
  auto resolver = s.resolver();
  resolver.install(specs({"npm:dual@1", "npm:old-style@1"}));
  auto dual = parse_npm_specifier("npm:dual@1");
  auto esm = resolver.resolve(dual, ResolutionKind::import);
  CHECK(fs::path(esm).filename() == "index.mjs");
  CHECK(exported(resolver.resolve(dual, ResolutionKind::require)) == "dual@cjs");
  CHECK(exported(resolver.resolve(parse_npm_specifier("npm:dual@1/feature/a"),
                                  ResolutionKind::import)) == "dual@a");
  CHECK(exported(*resolver.resolve_from("#internal", esm, ResolutionKind::import)) ==
        "dual@internal");
  CHECK_THROWS_WITH_AS(
      resolver.resolve(parse_npm_specifier("npm:dual@1/lib/a.js"), ResolutionKind::import),
      doctest::Contains("[ERR_PACKAGE_PATH_NOT_EXPORTED]"), util::Error);
  CHECK(exported(resolver.resolve(parse_npm_specifier("npm:old-style@1"),
                                  ResolutionKind::import)) == "old-style@main");
  CHECK(resolver.resolve_from("fs", esm, ResolutionKind::import) == "node:fs");
  CHECK_FALSE(resolver.is_commonjs(esm));
  CHECK(resolver.is_commonjs(resolver.resolve(dual, ResolutionKind::require)));
  CHECK(resolver.is_commonjs(
      resolver.resolve(parse_npm_specifier("npm:old-style@1"), ResolutionKind::import)));
}

TEST_CASE("bundler::NpmResolver honours lockfile pins and refuses a tarball that does not match") {
  Setup s;
  s.publish("pinned", "1.0.0");
  {
    auto resolver = s.resolver();
    resolver.install(specs({"npm:pinned@1"}));
  }
  CHECK(s.lock.specifiers.at("npm:pinned@1") == "1.0.0");
  s.publish("pinned", "1.1.0");
  auto packument_hits = s.registry.hits("/pinned");
  SUBCASE("the pin wins over a newer version, and no packument is fetched") {
    bundler::Cache fresh(s.temp.path / "fresh-cache");
    NpmResolver resolver(fresh, s.http, s.npmrc(), s.lock);
    resolver.install(specs({"npm:pinned@1"}));
    CHECK(exported(resolver.resolve(parse_npm_specifier("npm:pinned@1"), ResolutionKind::import)) ==
          "pinned@1.0.0");
    CHECK(s.registry.hits("/pinned") == packument_hits + 1);  // the tarball only
    CHECK(s.registry.hits("/pinned/-/") == 2);
  }
  SUBCASE("an integrity that does not match the lockfile is an error naming both") {
    auto actual = s.lock.npm.at("pinned@1.0.0").integrity;
    auto expected = "sha512-" + std::string(86, 'A') + "==";
    s.lock.npm.at("pinned@1.0.0").integrity = expected;
    bundler::Cache fresh(s.temp.path / "fresh-cache");
    NpmResolver resolver(fresh, s.http, s.npmrc(), s.lock);
    CHECK_THROWS_WITH_AS(resolver.install(specs({"npm:pinned@1"})),
                         ("Integrity check failed for npm package pinned@1.0.0: the tarball does "
                          "not match the lockfile.\n\n  Expected: " +
                          expected + "\n  Actual: " + actual +
                          "\n\nThe lockfile or the package on the registry changed. If you trust "
                          "the new tarball, delete its entry from deno.lock so that it is "
                          "recorded again.")
                             .c_str(),
                         util::Error);
    CHECK_FALSE(fresh.existing_directory("npm", s.registry.host() + "/pinned@1.0.0"));
  }
}

TEST_CASE("bundler::NpmResolver refuses a tarball that does not match the registry's integrity") {
  Setup s;
  s.publish("tampered", "1.0.0");
  s.registry.tamper_tarball("tampered", "1.0.0");
  auto resolver = s.resolver();
  CHECK_THROWS_WITH_AS(resolver.install(specs({"npm:tampered@1"})),
                       doctest::Contains("Tarball checksum did not match what was provided by npm "
                                         "registry for tampered@1.0.0.\n\n  Expected: sha512-"),
                       util::Error);
  CHECK_THROWS_WITH_AS(resolver.install(specs({"npm:tampered@1"})),
                       doctest::Contains("\n  Actual: sha512-"), util::Error);
}

TEST_CASE("bundler::NpmResolver with frozen refuses a lockfile change") {
  Setup s;
  s.publish("frozen-pkg", "1.0.0");
  auto before = s.lock;
  auto frozen = s.resolver({false, true});
  CHECK_THROWS_WITH_AS(frozen.install(specs({"npm:frozen-pkg@1"})),
                       "The lockfile is out of date: it does not pin npm:frozen-pkg@1. Run "
                       "without --frozen to update it.",
                       util::Error);
  CHECK(same_npm(s.lock, before));
  s.resolver().install(specs({"npm:frozen-pkg@1"}));
  auto pinned = s.resolver({false, true});
  pinned.install(specs({"npm:frozen-pkg@1"}));  // nothing to change: fine
  CHECK(exported(pinned.resolve(parse_npm_specifier("npm:frozen-pkg@1"), ResolutionKind::import)) ==
        "frozen-pkg@1.0.0");
}

TEST_CASE("bundler::NpmResolver with cached_only never touches the network") {
  Setup s;
  s.publish("offline", "1.0.0");
  auto cold = s.resolver({true, false});
  CHECK_THROWS_WITH_AS(cold.install(specs({"npm:offline@1"})),
                       "npm package 'offline' is not in the cache, and --cached-only forbids "
                       "downloading it. Run once without --cached-only to fill the cache.",
                       util::Error);
  CHECK(s.registry.hits() == 0);
  s.resolver().install(specs({"npm:offline@1"}));
  auto hits = s.registry.hits();
  auto warm = s.resolver({true, false});
  warm.install(specs({"npm:offline@1"}));  // pinned by the lock, files in the cache
  bundler::Lock other_lock;
  NpmResolver unlocked(s.cache, s.http, s.npmrc(), other_lock, {true, false});
  unlocked.install(specs({"npm:offline@1"}));  // the packument comes from the cache too
  CHECK(s.registry.hits() == hits);
  CHECK(exported(unlocked.resolve(parse_npm_specifier("npm:offline@1"), ResolutionKind::import)) ==
        "offline@1.0.0");
}

TEST_CASE("bundler::NpmResolver takes cached packuments without asking the registry") {
  Setup s;
  s.publish("cached", "1.0.0");
  s.resolver().install(specs({"npm:cached@1"}));
  s.publish("cached", "1.1.0");  // newer, but the cached packument still meets ^1
  auto hits = s.registry.hits("/cached");
  bundler::Lock other_lock;
  NpmResolver again(s.cache, s.http, s.npmrc(), other_lock);
  again.install(specs({"npm:cached@1"}));
  CHECK(s.registry.hits("/cached") == hits);  // as Deno: no request at all
  CHECK(other_lock.specifiers.at("npm:cached@1") == "1.0.0");
}

TEST_CASE("bundler::NpmResolver fetches a cached packument again when it lacks a version") {
  Setup s;
  s.publish("growing", "1.0.0");
  s.resolver().install(specs({"npm:growing@1"}));
  s.publish("growing", "2.0.0");
  bundler::Lock second_lock;
  NpmResolver second(s.cache, s.http, s.npmrc(), second_lock);
  second.install(specs({"npm:growing@2"}));
  CHECK(second_lock.specifiers.at("npm:growing@2") == "2.0.0");
  CHECK(exported(second.resolve(parse_npm_specifier("npm:growing@2"), ResolutionKind::import)) ==
        "growing@2.0.0");

  // A version nobody published: revalidated once with the etag (304), then the message.
  auto hits = s.registry.hits("/growing");
  bundler::Lock third_lock;
  NpmResolver third(s.cache, s.http, s.npmrc(), third_lock);
  CHECK_THROWS_WITH_AS(third.install(specs({"npm:growing@3"})),
                       "Could not find npm package 'growing' matching '3'. Available versions: "
                       "2.0.0, 1.0.0.",
                       util::Error);
  CHECK(s.registry.not_modified() == 1);
  CHECK(s.registry.hits("/growing") == hits + 1);
}

TEST_CASE("bundler::NpmResolver refreshes a cached packument for a dependency's range") {
  Setup s;
  s.publish("leaf", "1.0.0");
  s.publish("branch", "1.0.0", {{"dependencies", {{"leaf", "^1.0.0"}}}});
  s.resolver().install(specs({"npm:branch@1"}));
  s.publish("leaf", "1.5.0");
  s.publish("branch", "2.0.0", {{"dependencies", {{"leaf", "^1.5.0"}}}});
  bundler::Lock other_lock;
  NpmResolver again(s.cache, s.http, s.npmrc(), other_lock);
  again.install(specs({"npm:branch@2"}));
  CHECK(other_lock.npm.count("leaf@1.5.0") == 1);
  CHECK(other_lock.npm.count("leaf@1.0.0") == 0);
}

TEST_CASE("bundler::NpmResolver leaves nothing behind when a download is cut off, and retries") {
  Setup s;
  s.publish("cut", "1.0.0");
  s.registry.cut_tarballs(true);
  auto resolver = s.resolver();
  CHECK_THROWS_WITH_AS(resolver.install(specs({"npm:cut@1"})),
                       doctest::Contains("The download of npm package cut@1.0.0 was cut off"),
                       util::Error);
  CHECK_THROWS_WITH_AS(resolver.install(specs({"npm:cut@1"})),
                       doctest::Contains("Nothing was written to the cache; run again to retry."),
                       util::Error);
  CHECK_FALSE(s.cache.existing_directory("npm", s.registry.host() + "/cut@1.0.0"));
  if (fs::exists(s.cache.root() / "npm")) {
    CHECK(fs::is_empty(s.cache.root() / "npm"));  // no half-extracted folder either
  }
  s.registry.cut_tarballs(false);
  resolver.install(specs({"npm:cut@1"}));
  CHECK(exported(resolver.resolve(parse_npm_specifier("npm:cut@1"), ResolutionKind::import)) ==
        "cut@1.0.0");
}

TEST_CASE("bundler::NpmResolver instances in two threads fill one empty cache together") {
  Setup s;
  s.publish("dep", "1.0.0");
  s.publish("busy", "1.0.0", {{"dependencies", {{"dep", "1"}}}},
            {{"big.js", std::string(200000, 'x')}});
  s.registry.delay(100);
  std::string errors[2];
  std::string entries[2];
  bundler::Lock locks[2];
  auto work = [&](int i) {
    try {
      bundler::HttpClient http;
      NpmResolver resolver(s.cache, http, s.npmrc(), locks[i]);
      resolver.install(specs({"npm:busy@1"}));
      entries[i] = resolver.resolve(parse_npm_specifier("npm:busy@1"), ResolutionKind::import);
    } catch (const std::exception& error) {
      errors[i] = error.what();
    }
  };
  std::thread a(work, 0);
  std::thread b(work, 1);
  a.join();
  b.join();
  CHECK(errors[0].empty());
  CHECK(errors[1].empty());
  CHECK(entries[0] == entries[1]);
  CHECK(util::read_file(fs::path(entries[0]).parent_path() / "big.js").size() == 200000);
  CHECK(same_npm(locks[0], locks[1]));
}

TEST_CASE("bundler::NpmResolver authenticates to a private registry with the .npmrc token") {
  Setup s;
  s.publish("@private/secret", "1.0.0");
  s.registry.require_token("s3cret");
  auto spec = specs({"npm:@private/secret@1"});
  {
    auto resolver = s.resolver();
    CHECK_THROWS_WITH_AS(resolver.install(spec),
                         ("The npm registry " + s.registry.url() +
                          " wants credentials for npm package '@private/secret' (401 "
                          "Unauthorized). Add `//" +
                          s.registry.host() +
                          "/:_authToken=<token>` to an .npmrc in the function's folder, the "
                          "project root or your home folder (`${NPM_TOKEN}` reads the token "
                          "from the environment).")
                             .c_str(),
                         util::Error);
  }
  {
    NpmResolver wrong(s.cache, s.http, s.npmrc("//" + s.registry.host() + "/:_authToken=nope\n"),
                      s.lock);
    CHECK_THROWS_WITH_AS(wrong.install(spec),
                         doctest::Contains("refused the credentials from .npmrc for npm package "
                                           "'@private/secret' (401 Unauthorized)"),
                         util::Error);
  }
  auto npmrc = bundler::Npmrc::parse("@private:registry=" + s.registry.url() + "\n//" +
                                         s.registry.host() + "/:_authToken=${TOKEN}\n",
                                     [](const std::string& name) -> std::optional<std::string> {
                                       if (name == "TOKEN") {
                                         return "s3cret";
                                       }
                                       return std::nullopt;
                                     });
  NpmResolver resolver(s.cache, s.http, npmrc, s.lock);
  resolver.install(spec);
  CHECK(exported(resolver.resolve(spec[0], ResolutionKind::require)) == "@private/secret@1.0.0");
  CHECK(s.registry.hits("/@private/secret/-/secret-1.0.0.tgz") == 1);
}

TEST_CASE("bundler::NpmResolver explains what went wrong with the registry") {
  Setup s;
  s.publish("ranged", "1.0.0");
  s.publish("ranged", "2.0.0");
  s.publish("needs-missing", "1.0.0", {{"dependencies", {{"nope-nope", "1"}}}});
  auto resolver = s.resolver();
  CHECK_THROWS_WITH_AS(resolver.install(specs({"npm:nope-nope@1"})),
                       ("npm package 'nope-nope' does not exist (" + s.registry.url() +
                        "nope-nope answered 404). If it is a private package, give a token for "
                        "it with `//" +
                        s.registry.host() + "/:_authToken=<token>` in an .npmrc.")
                           .c_str(),
                       util::Error);
  CHECK_THROWS_WITH_AS(resolver.install(specs({"npm:needs-missing@1"})),
                       doctest::Contains("It is required by needs-missing@1.0.0."), util::Error);
  CHECK_THROWS_WITH_AS(resolver.install(specs({"npm:ranged@^9"})),
                       "Could not find npm package 'ranged' matching '^9'. Available versions: "
                       "2.0.0, 1.0.0.",
                       util::Error);
  CHECK_THROWS_WITH_AS(resolver.install(specs({"npm:ranged@beta"})),
                       "Could not find dist-tag 'beta' for npm package 'ranged'. Its dist-tags: "
                       "latest (2.0.0).",
                       util::Error);
  NpmResolver down(s.cache, s.http,
                   bundler::Npmrc::parse("registry=http://127.0.0.1:1/\n", no_env()), s.lock);
  CHECK_THROWS_WITH_AS(
      down.install(specs({"npm:ranged@1"})),
      doctest::Contains("Cannot reach the npm registry http://127.0.0.1:1/ for npm "
                        "package 'ranged': cannot download "
                        "http://127.0.0.1:1/ranged: "),
      util::Error);
}

TEST_CASE("bundler::NpmResolver::from_lock resolves from the lockfile and the files alone") {
  Setup s;
  s.publish("react", "18.2.0");
  s.publish("react-dom", "18.2.0", {{"peerDependencies", {{"react", "^18"}}}},
            {{"client.js", "module.exports = require('react');\n"}});
  s.publish("app", "1.0.0", {{"dependencies", {{"react", "^18"}, {"react-dom", "^18"}}}});
  auto installer = s.resolver();
  installer.install(specs({"npm:app@1", "npm:react-dom@18"}));
  // Lay the packages out as an artifact would, then forget the cache.
  auto root = s.temp.path / "artifact" / "npm";
  for (const auto& p : installer.packages()) {
    fs::create_directories(root / p.layout_folder);
    fs::copy(p.folder, root / p.layout_folder, fs::copy_options::recursive);
  }
  fs::remove_all(s.cache.root());
  auto resolver = NpmResolver::from_lock(s.lock, root.string(), bundler::disk_file_view());
  auto dom = resolver.resolve(parse_npm_specifier("npm:react-dom@18"), ResolutionKind::import);
  CHECK(s.lock.specifiers.at("npm:react-dom@18") == "18.2.0_react@18.2.0");
  CHECK(dom == (root / "react-dom@18.2.0" / "index.js").string());
  auto react = resolver.resolve_from("react", (root / "react-dom@18.2.0" / "client.js").string(),
                                     ResolutionKind::require);
  CHECK(react == (root / "react@18.2.0" / "index.js").string());
  CHECK_THROWS_WITH_AS(resolver.resolve(parse_npm_specifier("npm:zod@3"), ResolutionKind::import),
                       "npm:zod@3 is not in the lockfile this was built with.", util::Error);
  CHECK_THROWS_AS(resolver.install(specs({"npm:app@1"})), util::Error);
}
