// The Web API conformance suite (tests/js/*_test.js, written against Deno, which is its
// oracle) run inside our runtime: one worker per file, every Deno.test must pass.
#include "support/fixture_servers.hpp"
#include "support/worker_fixture.hpp"

#include "runtime/modules/module_source.hpp"

#include <doctest/doctest.h>
#include <nlohmann/json.hpp>
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

void check_steps(const nlohmann::json& steps, const std::string& parent) {
  for (const auto& step : steps) {
    auto name = parent + " > " + step.value("name", std::string("?"));
    INFO("step: " << name);
    INFO("error: " << (step.contains("error") ? step["error"].dump() : std::string("-")));
    CHECK(step.value("ok", false));
    if (step.contains("steps")) {
      check_steps(step["steps"], name);
    }
  }
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
      runtime::WorkerOptions options;
      options.main_module = runtime::path_to_file_url(file.string());
      options.root = suite_dir();
      // The servers the network tests talk to, as Deno.env sees them (run_under_deno.sh does
      // the same for Deno).
      options.env = test_support::fixture_env(suite_dir() / "servers");
      test_support::ScriptWorker worker(options);
      auto result = worker.eval(
          "globalThis[Symbol.for('sbfn.testing')].run().then((r) => JSON.stringify(r))");
      std::string log;
      for (const auto& line : worker.output()) {
        log += line + "\n";
      }
      INFO("file: " << file.string());
      INFO("console:\n" << log);
      REQUIRE(result.type == "string");
      auto results = nlohmann::json::parse(result.value);
      REQUIRE(results.is_array());
      CHECK(results.size() > 0);
      for (const auto& test : results) {
        auto name = test.value("name", std::string("?"));
        bool ok = test.value("ok", false);
        INFO("test: " << name);
        INFO("error: " << (test.contains("error") && test["error"].is_string()
                               ? test["error"].get<std::string>()
                               : std::string("-")));
        CHECK(ok);
        if (test.contains("steps")) {
          check_steps(test["steps"], name);
        }
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
  test_support::ScriptWorker worker(options);
  auto result = worker.eval(
      "globalThis[Symbol.for('sbfn.testing')].run().then((r) => JSON.stringify(r.map((t) => "
      "[t.name, t.ok, String(t.error).split('\\n')[0]])))");
  fs::remove_all(dir);
  CHECK(result.value ==
        R"([["passes",true,"undefined"],["fails",false,"RangeError: expected failure"],)"
        R"(["steps",false,"bad step failed"]])");
}

TEST_SUITE_END();
