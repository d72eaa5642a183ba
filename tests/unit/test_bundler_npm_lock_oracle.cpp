// The oracle for npm resolution: real Deno (2.9.6, lockfile v5; 2.1.4, Supabase's, v4)
// resolves a project importing npm: packages from the fixture registry; NpmResolver, given
// the same requirements, must choose the same versions, peers and ids and so write the
// very same deno.lock. Run by tests/unit/run_lockfile_oracle.sh (CTest:
// bundler.deno_lock_oracle), which installs Deno and names it in SBFN_DENO_V5 /
// SBFN_DENO_V4; skipped in the plain unit run.
#include "support/npm_registry_fixture.hpp"
#include "support/temp_dir.hpp"

#include "bundler/lockfile.hpp"
#include "bundler/npm/npm.hpp"
#include "bundler/npm/snapshot.hpp"
#include "util/files.hpp"

#include <doctest/doctest.h>

#include <cstdlib>

namespace {

using nlohmann::json;

// What the project imports: ranges, dist-tags, nested versions, peers found in an
// ancestor, among the roots (even one out of range) and installed for lack of one, an
// alias, an optional dependency for another platform, bundled dependencies.
std::vector<std::string> imports(const std::string& lock_version) {
  std::vector<std::string> out = {"npm:ranged@1",     "npm:ranged@next",  "npm:app@1",
                                  "npm:host@1",       "npm:react-dom@18", "npm:react@18",
                                  "npm:lonely-dom@1", "npm:uses-alias@1", "npm:platform@1",
                                  "npm:deep@1",       "npm:middle@1"};
  if (lock_version == "5") {
    // Deno 2.1 still fetched bundleDependencies from the registry (and recorded them);
    // later Deno leaves them in the tarball, as npm does and sbfn does.
    out.push_back("npm:bundling@1");
  }
  return out;
}

void publish(test_support::NpmRegistryFixture& registry, const std::string& name,
             const std::string& version, json extra = json::object(),
             std::map<std::string, std::string> files = {}) {
  extra["name"] = name;
  extra["version"] = version;
  files.emplace("index.js", "module.exports = '" + name + "@" + version + "';\n");
  registry.publish(extra, files);
}

void publish_all(test_support::NpmRegistryFixture& registry) {
  for (const char* version : {"1.0.0", "1.2.0", "1.3.0-beta.1", "2.0.0", "2.1.0-rc.1"}) {
    publish(registry, "ranged", version);
  }
  registry.set_dist_tag("ranged", "next", "2.1.0-rc.1");
  for (const char* version : {"1.0.0", "1.5.0", "2.0.0"}) {
    publish(registry, "shared", version);
  }
  publish(registry, "lib", "1.0.0", {{"dependencies", {{"shared", "^2"}}}});
  publish(registry, "app", "1.0.0", {{"dependencies", {{"shared", "^1.0.0"}, {"lib", "1"}}}});
  for (const char* version : {"17.0.0", "18.2.0", "19.0.0"}) {
    publish(registry, "react", version);
  }
  publish(registry, "react-dom", "18.2.0", {{"peerDependencies", {{"react", "^18.2.0"}}}});
  publish(registry, "lonely-dom", "1.0.0", {{"peerDependencies", {{"react", "^17"}}}});
  publish(registry, "plugin", "1.0.0", {{"peerDependencies", {{"react", ">=17"}}}});
  publish(registry, "host", "1.0.0", {{"dependencies", {{"react", "^17"}, {"plugin", "1"}}}});
  // A peer two levels below the package that holds it, and one below a root out of range.
  publish(registry, "deep-mid", "1.0.0", {{"dependencies", {{"plugin", "1"}}}});
  publish(registry, "deep", "1.0.0", {{"dependencies", {{"deep-mid", "1"}, {"react", "18"}}}});
  publish(registry, "middle", "1.0.0", {{"dependencies", {{"lonely-dom", "1"}}}});
  for (const char* version : {"1.2.0", "1.2.9", "1.5.0"}) {
    publish(registry, "dedupe", version);
  }
  publish(registry, "wants-caret", "1.0.0", {{"dependencies", {{"dedupe", "^1.0.0"}}}});
  publish(registry, "wants-tilde", "1.0.0", {{"dependencies", {{"dedupe", "~1.2.0"}}}});
  publish(registry, "real", "1.0.0");
  publish(registry, "real", "2.0.0");
  publish(registry, "uses-alias", "1.0.0",
          {{"dependencies", {{"my-alias", "npm:real@^1"}, {"real", "^2"}}}});
  publish(registry, "on-windows", "1.0.0", {{"os", {"win32"}}});
  publish(
      registry, "platform", "1.0.0",
      {{"dependencies", {{"on-windows", "1"}}}, {"optionalDependencies", {{"on-windows", "1"}}}});
  publish(registry, "bundling", "1.0.0",
          {{"dependencies", {{"inner", "^1"}}}, {"bundleDependencies", {"inner"}}},
          {{"node_modules/inner/package.json", R"({"name": "inner", "version": "1.0.0"})"},
           {"node_modules/inner/index.js", "module.exports = 1;\n"}});
  publish(registry, "inner", "1.0.0");  // on the registry too: nothing should fetch it
}

std::string deno_lock(const std::string& deno, const test_support::TempDir& project,
                      const test_support::NpmRegistryFixture& registry,
                      const std::vector<std::string>& specifiers) {
  std::string main;
  for (const auto& specifier : specifiers) {
    main += "import \"" + specifier + "\";\n";
  }
  util::write_file_atomic(project.path / "deno.json", "{}\n");  // Deno writes a lock beside it
  util::write_file_atomic(project.path / "main.ts", main);
  auto command = "cd '" + project.path.string() + "' && NO_COLOR=1 HOME='" + project.path.string() +
                 "' DENO_DIR='" + (project.path / ".deno").string() + "' NPM_CONFIG_REGISTRY='" +
                 registry.url() + "' '" + deno + "' cache main.ts > deno.out 2>&1";
  int status = std::system(command.c_str());
  INFO("deno said: " << util::try_read_file(project.path / "deno.out").value_or(""));
  REQUIRE(status == 0);
  return util::read_file(project.path / "deno.lock");
}

void check_against(const char* variable, const std::string& version) {
  const char* deno = std::getenv(variable);
  INFO("run tests/unit/run_lockfile_oracle.sh, which installs Deno and sets "
       << std::string(variable));
  REQUIRE(deno != nullptr);
  test_support::NpmRegistryFixture registry;
  publish_all(registry);
  test_support::TempDir project{"sbfn-npm-oracle"};
  auto specifiers = imports(version);
  auto written_by_deno = deno_lock(deno, project, registry, specifiers);
  CAPTURE(written_by_deno);

  test_support::TempDir cache_dir{"sbfn-npm-oracle-cache"};
  bundler::Cache cache(cache_dir.path);
  bundler::HttpClient http;
  bundler::Lock lock;
  lock.version = version;
  auto npmrc = bundler::Npmrc::parse(
      "registry=" + registry.url() + "\n",
      [](const std::string&) -> std::optional<std::string> { return std::nullopt; });
  bundler::NpmResolver resolver(cache, http, npmrc, lock);
  std::vector<bundler::NpmSpecifier> roots;
  for (const auto& specifier : specifiers) {
    roots.push_back(bundler::parse_npm_specifier(specifier));
  }
  resolver.install(roots);
  CHECK(bundler::write_lockfile(lock) == written_by_deno);
  // And what Deno wrote reads back into the same packages.
  auto from_deno = bundler::read_lockfile(written_by_deno, "deno.lock");
  auto ours = bundler::read_npm_lock(lock);
  auto theirs = bundler::read_npm_lock(from_deno);
  CHECK(ours.roots == theirs.roots);
  CHECK(ours == theirs);
}

}  // namespace

TEST_CASE("bundler deno.lock oracle: npm with Deno 2.9 (v5)" * doctest::skip()) {
  check_against("SBFN_DENO_V5", "5");
}

TEST_CASE("bundler deno.lock oracle: npm with Supabase's Deno 2.1 (v4)" * doctest::skip()) {
  check_against("SBFN_DENO_V4", "4");
}
