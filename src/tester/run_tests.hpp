#pragma once

// `sbfn test`: finds the test modules (discovery.hpp), resolves each one's module graph as
// serve resolves a function's (bundler::FunctionModules: import maps, deno.json, deno.lock,
// npm:/jsr:/https: through the cache), runs each in a worker of its own booted from the
// same snapshot as serve (runtime/test_run.hpp), and reports in Deno's formats
// (reporter.hpp). The CLI only declares the arguments.

#include "runtime/inspector/inspector.hpp"

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace tester {

// The arguments as given; empty means "not given".
struct TestArguments {
  std::vector<std::string> paths;  // files, folders, globs; none: the working folder
  std::string filter;              // substring, or /regex/
  std::size_t fail_fast = 0;       // stop after this many failures; 0: never
  // --parallel: how many modules run at once; nullopt: one; 0: as many as cores (or
  // $DENO_JOBS, as Deno).
  std::optional<unsigned> parallel;
  // --shuffle: the seed; a flag without a seed picks one at random.
  bool shuffle = false;
  std::optional<std::uint64_t> shuffle_seed;
  std::vector<std::string> env_files;  // --env-file: added to the host's environment
  std::uint64_t timeout_ms = 0;        // a test's deadline unless it sets its own; 0: none
  std::string reporter = "pretty";     // pretty, dot, tap, junit
  std::string junit_path;              // --junit-path: JUnit XML there as well ("-": stdout)
  bool permit_no_files = false;
  bool no_sanitize = false;   // sanitizeOps/sanitizeResources default to false (Deno 2.8+)
  std::string functions_dir;  // where Supabase's tests/ folder is (default as serve's)
  std::string import_map;     // --import-map for every module
  bool cached_only = false;
  bool frozen = false;
  std::size_t memory_limit_mb = 4096;  // a test worker's heap and buffers (no CPU limit)
  // --serve: the functions served in this process while the tests run (test_server.hpp),
  // with serve's --no-verify-jwt and --jwt-secret.
  bool serve = false;
  bool watch = false;  // --watch: run again what a change affects, until interrupted
  bool no_verify_jwt = false;
  std::string jwt_secret;
  // --coverage[=DIR] (or $DENO_COVERAGE_DIR): V8's coverage of the project's modules into
  // DIR (raw data, and lcov.info with a summary table when the tests pass; coverage.hpp).
  std::optional<std::string> coverage_dir;
  // --inspect, --inspect-wait, --inspect-brk: V8's inspector on every test worker.
  std::optional<runtime::inspector::Settings> inspect;
};

// Runs the tests and returns the process's exit code: 0 all passed, 1 a failure (or
// `only`, no modules, a module graph that cannot be resolved), or the code a test gave
// Deno.exit with sanitizeExit off. Writes errors as Deno does ("error: Test failed").
int run_tests(const TestArguments& args);

}  // namespace tester
