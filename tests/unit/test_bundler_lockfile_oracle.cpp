// The oracle for deno.lock: real Deno (2.9.6 writes v5, Supabase's 2.1.4 writes v4) caches
// a small project against the fixture registries; our reader and writer must give its bytes
// back, and our resolvers, walking the same graph, must write the very same file.
// Run by tests/unit/run_lockfile_oracle.sh (CTest: bundler.deno_lock_oracle), which
// installs the two Deno versions from npm and names them in SBFN_DENO_V5 / SBFN_DENO_V4;
// skipped in the plain unit run.
#include "support/jsr_registry_fixture.hpp"
#include "support/temp_dir.hpp"

#include "bundler/config/config.hpp"
#include "bundler/jsr/jsr.hpp"
#include "bundler/lockfile.hpp"
#include "bundler/remote/remote.hpp"
#include "util/files.hpp"

#include <doctest/doctest.h>

#include <cstdlib>

namespace {

struct Fixtures {
  test_support::JsrRegistry jsr;
  test_support::ModuleServer web;
  Fixtures() {
    jsr.publish("@sbfn/dep", "1.0.4", {{"/mod.ts", "export const dep = 1;\n"}});
    jsr.publish("@sbfn/dep", "0.99.0", {{"/mod.ts", "export const dep = 0;\n"}});
    for (const char* version : {"1.0.0", "1.2.0"}) {
      jsr.publish(
          "@sbfn/hello", version,
          {{"/mod.ts", "import { dep } from \"jsr:@sbfn/dep@1\";\nexport const hello = dep;\n"},
           {"/sub.ts", "export const sub = 2;\n"}},
          {{".", "./mod.ts"}, {"./sub", "./sub.ts"}});
    }
    jsr.publish("@sbfn/hello", "1.3.0", {{"/mod.ts", "export const hello = 3;\n"}},
                {{".", "./mod.ts"}}, true);
    web.serve("/remote/real.ts?v=1", "export const real: number = 1;\n", "application/typescript");
    web.redirect("/remote/redirect.ts", "/remote/real.ts?v=1");
    web.serve("/remote/lib.js", "export default 2;\n", "application/javascript");
  }
};

// Runs `deno cache` on main.ts in `project`; returns the deno.lock it wrote.
std::string deno_lock(const std::string& deno, const test_support::TempDir& project,
                      const Fixtures& fixtures) {
  auto command = "cd '" + project.path.string() + "' && NO_COLOR=1 DENO_DIR='" +
                 (project.path / ".deno").string() + "' JSR_URL='" + fixtures.jsr.url() + "' '" +
                 deno + "' cache --allow-import main.ts > deno.out 2>&1";
  int status = std::system(command.c_str());
  INFO("deno said: " << util::try_read_file(project.path / "deno.out").value_or(""));
  REQUIRE(status == 0);
  return util::read_file(project.path / "deno.lock");
}

void write_project(const test_support::TempDir& project, const Fixtures& fixtures) {
  util::write_file_atomic(project.path / "deno.json",
                          R"({"imports": {"hello": "jsr:@sbfn/hello@^1.1"}})");
  util::write_file_atomic(project.path / "main.ts",
                          "import \"jsr:@sbfn/hello@^1\";\n"
                          "import { hello } from \"hello\";\n"
                          "import { sub } from \"hello/sub\";\n"
                          "import \"" +
                              fixtures.web.url("/remote/redirect.ts") +
                              "\";\n"
                              "import \"" +
                              fixtures.web.url("/remote/lib.js") +
                              "\";\n"
                              "import \"jsr:@sbfn/dep\";\n"
                              "console.log(hello, sub);\n");
}

// The same graph walked by our resolvers, in the order Deno's graph visits it.
bundler::Lock our_lock(const std::string& version, const test_support::TempDir& project,
                       const Fixtures& fixtures) {
  test_support::TempDir cache_dir{"sbfn-oracle-cache"};
  bundler::Cache cache(cache_dir.path);
  bundler::HttpClient http;
  bundler::Lock lock;
  lock.version = version;
  bundler::FunctionConfigRequest request;
  request.entrypoint = project.path / "main.ts";
  request.functions_dir = project.path;
  auto config = bundler::load_function_config(request);
  lock.workspace = config.lock_workspace;
  bundler::JsrOptions options;
  options.registry_url = fixtures.jsr.url();
  bundler::JsrResolver jsr(cache, http, lock, options);
  bundler::RemoteModules remote(cache, http, lock, {});
  auto main = "file://" + (project.path / "main.ts").string();
  for (const char* specifier : {"jsr:@sbfn/hello@^1", "hello", "hello/sub"}) {
    auto mapped = config.import_map.resolve(specifier, main).value();
    auto url = jsr.resolve(mapped);
    auto module = jsr.load(url);
    if (module.source.find("jsr:@sbfn/dep@1") != std::string::npos) {
      jsr.load(jsr.resolve("jsr:@sbfn/dep@1"));
      jsr.record_dependency(url, "jsr:@sbfn/dep@1");
    }
  }
  remote.fetch_all({fixtures.web.url("/remote/redirect.ts"), fixtures.web.url("/remote/lib.js")});
  jsr.load(jsr.resolve("jsr:@sbfn/dep"));
  return lock;
}

void check_against(const char* variable, const std::string& version) {
  const char* deno = std::getenv(variable);
  INFO("run tests/unit/run_lockfile_oracle.sh, which installs Deno and sets " << variable);
  REQUIRE(deno != nullptr);
  Fixtures fixtures;
  test_support::TempDir project{"sbfn-oracle"};
  write_project(project, fixtures);
  auto written_by_deno = deno_lock(deno, project, fixtures);
  CAPTURE(written_by_deno);
  auto read = bundler::read_lockfile(written_by_deno, "deno.lock");
  CHECK(read.version == version);
  CHECK(bundler::write_lockfile(read) == written_by_deno);
  CHECK(bundler::write_lockfile(our_lock(version, project, fixtures)) == written_by_deno);
}

}  // namespace

TEST_CASE("bundler deno.lock oracle: Deno 2.9 (v5)" * doctest::skip()) {
  check_against("SBFN_DENO_V5", "5");
}

TEST_CASE("bundler deno.lock oracle: Deno 2.1, Supabase's (v4)" * doctest::skip()) {
  check_against("SBFN_DENO_V4", "4");
}
