// The Web API conformance suite (tests/js/*_test.js, written against Deno, which is its
// oracle) run inside our runtime: one worker per file, every Deno.test must pass.
#include "support/fixture_servers.hpp"
#include "support/test_module_fixture.hpp"

#include "runtime/modules/module_source.hpp"

#include <doctest/doctest.h>
#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

namespace fs = std::filesystem;

namespace {

fs::path suite_dir() {
  return fs::path(SBFN_SOURCE_DIR) / "tests" / "js";
}

std::vector<fs::path> suite_files() {
  std::vector<fs::path> files;
  for (const auto& entry : fs::directory_iterator(suite_dir())) {
    auto name = entry.path().filename().string();
    if (entry.is_regular_file() && name.ends_with("_test.js")) {
      files.push_back(entry.path());
    }
  }
  std::sort(files.begin(), files.end());
  return files;
}

}  // namespace

TEST_SUITE_BEGIN("runtime");

TEST_CASE("runtime::tests/js conformance suite passes in the runtime") {
  auto files = suite_files();
  REQUIRE(files.size() >= 10);
  REQUIRE_MESSAGE(!test_support::fixture_env(suite_dir() / "servers").empty(),
                  "the fixture servers in tests/js/servers/ did not start");
  for (const auto& file : files) {
    SUBCASE(file.filename().string().c_str()) {
      // As `sbfn test` runs a module: a worker in test mode (runtime/test_run.hpp).
      runtime::WorkerOptions options;
      options.main_module = runtime::path_to_file_url(file.string());
      options.root = suite_dir();
      // The servers the network tests talk to, as Deno.env sees them (run_under_deno.sh does
      // the same for Deno).
      options.env = test_support::fixture_env(suite_dir() / "servers");
      auto run = test_support::run_test_module(options);
      std::string log;
      for (const auto& line : run.output) {
        log += line + "\n";
      }
      INFO("file: " << file.string());
      INFO("console:\n" << log);
      REQUIRE(run.ended);
      CHECK(run.uncaught().empty());
      auto results = run.results();
      CHECK(results.size() > 0);
      for (const auto& [name, result] : results) {
        INFO("test: " << name);
        CHECK(result == "ok");
      }
      for (const auto& [name, result] : run.step_results()) {
        INFO("step: " << name);
        CHECK(result == "ok");
      }
    }
  }
}

TEST_CASE("runtime::tests/js conformance runner reports a failing test") {
  // The runner itself must be able to fail: a failing Deno.test comes back not ok.
  auto dir = fs::temp_directory_path() / ("sbfn-conformance-" + std::to_string(::getpid()));
  fs::create_directories(dir);
  auto file = dir / "fails_test.js";
  {
    std::ofstream out(file);
    out << "Deno.test('passes', () => {});\n"
           "Deno.test('fails', () => { throw new RangeError('expected failure'); });\n"
           "Deno.test('steps', async (t) => { await t.step('bad step', () => { throw 1; }); });\n";
  }
  runtime::WorkerOptions options;
  options.main_module = runtime::path_to_file_url(file.string());
  options.root = dir;
  auto run = test_support::run_test_module(options);
  fs::remove_all(dir);
  REQUIRE(run.ended);
  auto results = run.results();
  REQUIRE(results.size() == 3);
  CHECK(results[0] == std::pair<std::string, std::string>("passes", "ok"));
  CHECK(results[1].first == "fails");
  CHECK(results[1].second.starts_with("RangeError: expected failure\n"));
  CHECK(results[2] == std::pair<std::string, std::string>("steps", "1 test step failed."));
  auto steps = run.step_results();
  REQUIRE(steps.size() == 1);
  CHECK(steps[0] == std::pair<std::string, std::string>("steps ... bad step", "1"));
}

TEST_SUITE_END();
