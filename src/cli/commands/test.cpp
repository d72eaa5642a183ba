#include "tester/run_tests.hpp"

#include "cli/commands/commands.hpp"
#include "cli/commands/inspect_flags.hpp"
#include "util/error.hpp"

#include <charconv>
#include <cstdlib>

namespace cli {

Command test_command() {
  return {"test", "Run Deno.test suites in the sbfn runtime",
          [](CLI::App& app) -> std::function<int()> {
            auto args = std::make_shared<tester::TestArguments>();
            auto parallel = std::make_shared<std::string>();
            auto shuffle = std::make_shared<std::string>();
            auto coverage = std::make_shared<std::string>();
            app.add_option("files", args->paths,
                           "Test files, folders and globs (default: every *_test, *.test and test "
                           "module below the working folder, and <functions dir>/tests/*-test.ts)");
            app.add_option("--filter", args->filter,
                           "Run only the tests whose name contains this text, or matches /regex/");
            app.add_flag("--fail-fast", args->fail_fast,
                         "Stop after the first failure; --fail-fast=N: after N of them");
            app.add_flag("--parallel", *parallel,
                         "Run test files at once, as many as cores (or $DENO_JOBS); --parallel=N: "
                         "N of them");
            app.add_flag(
                "--shuffle", *shuffle,
                "Run files and tests in a random order; --shuffle=SEED: the order that seed "
                "gives (the same as deno test's)");
            app.add_option("--reporter", args->reporter, "Output format")
                ->check(CLI::IsMember({"pretty", "dot", "tap", "junit"}))
                ->capture_default_str();
            app.add_option("--junit-path", args->junit_path,
                           "Also write a JUnit XML report to this file (- for stdout)");
            app.add_option("--env-file", args->env_files,
                           "Env file(s) whose variables the tests see besides the environment's "
                           "(variables already set win); repeat the flag for several")
                ->check(CLI::ExistingFile)
                ->allow_extra_args(false);  // one file per flag: what follows are tests
            app.add_option("--timeout", args->timeout_ms,
                           "Fail a test that runs longer than this many ms (default: no limit; a "
                           "test's own `timeout` option wins)");
            app.add_flag("--permit-no-files", args->permit_no_files,
                         "Succeed when no test file is found");
            app.add_option("--functions-dir", args->functions_dir,
                           "Folder of the functions, whose tests/ folder holds Supabase-style "
                           "*-test.ts files (default: supabase/functions if it exists, else "
                           "functions)");
            app.add_option("--import-map", args->import_map,
                           "Import map for every test file (over the deno.json found from the "
                           "working folder up)")
                ->check(CLI::ExistingFile);
            app.add_flag("--cached-only", args->cached_only,
                         "Never touch the network: remote modules must be in the cache");
            app.add_flag("--frozen", args->frozen,
                         "Fail instead of writing deno.lock when it would change");
            app.add_flag("--watch", args->watch,
                         "Run again, on every change, the test files whose imports hold a "
                         "changed file (and new test files), until interrupted");
            app.add_flag("--coverage", *coverage,
                         "Collect V8 coverage of the project's modules (test files, npm and "
                         "remote modules left out) into coverage/; --coverage=DIR: into DIR "
                         "(default also $DENO_COVERAGE_DIR). A passing run writes DIR/lcov.info "
                         "and prints a summary table");
            app.add_flag("--serve", args->serve,
                         "Serve the project's functions on a free port while the tests run, and "
                         "point SUPABASE_URL and the API keys at it (its log is shown for failing "
                         "tests)");
            app.add_flag("--no-verify-jwt", args->no_verify_jwt,
                         "--serve: do not check the Authorization header of any function");
            app.add_option("--jwt-secret", args->jwt_secret,
                           "--serve: HS256 secret (default: $SUPABASE_AUTH_JWT_SECRET, "
                           "$JWT_SECRET, else the local-development secret)");
            auto inspect = std::make_shared<InspectFlags>();
            add_inspect_flags(app, *inspect);
            return [args, parallel, shuffle, coverage, inspect] {
              args->inspect = inspect_settings(*inspect);
              // A flag given without a value reads "true" (CLI11), with one, that value.
              if (*parallel == "true") {
                args->parallel = 0;
              } else if (!parallel->empty()) {
                unsigned jobs = 0;
                auto [end, ec] =
                    std::from_chars(parallel->data(), parallel->data() + parallel->size(), jobs);
                if (ec != std::errc() || end != parallel->data() + parallel->size() || jobs == 0) {
                  return usage_error(
                      "test", "--parallel: \"" + *parallel + "\" is not a number of test files");
                }
                args->parallel = jobs;
              }
              if (!shuffle->empty()) {
                args->shuffle = true;
                if (*shuffle != "true") {
                  std::uint64_t seed = 0;
                  auto [end, ec] =
                      std::from_chars(shuffle->data(), shuffle->data() + shuffle->size(), seed);
                  if (ec != std::errc() || end != shuffle->data() + shuffle->size()) {
                    return usage_error("test", "--shuffle: \"" + *shuffle +
                                                   "\" is not a seed (a number from 0 to "
                                                   "18446744073709551615)");
                  }
                  args->shuffle_seed = seed;
                }
              }
              // Deno's grammar: --coverage alone is coverage/, --coverage=DIR is DIR; without
              // the flag, $DENO_COVERAGE_DIR turns coverage on. (CLI11 reads an empty
              // --coverage= as the flag alone, where Deno fails on it.)
              if (*coverage == "true") {
                args->coverage_dir = "coverage";
              } else if (!coverage->empty()) {
                args->coverage_dir = *coverage;
              } else if (const char* dir = std::getenv("DENO_COVERAGE_DIR"); dir && *dir) {
                args->coverage_dir = dir;
              }
              if (args->inspect && args->coverage_dir) {
                // V8 allows one inspector per isolate, and coverage is one already.
                return usage_error("test",
                                   "--coverage cannot be combined with --inspect, --inspect-wait "
                                   "or --inspect-brk");
              }
              return tester::run_tests(*args);
            };
          }};
}

}  // namespace cli
