#pragma once

// Runs one Deno.test module the way `sbfn test` does (a worker in test mode, runtime/
// test_run.hpp) and keeps what it reported, for unit tests of the runner and of the Web
// APIs written as Deno.test files.

#include "tester/events.hpp"

#include "runtime/worker.hpp"

#include <string>
#include <vector>

namespace test_support {

struct TestModuleRun {
  std::vector<tester::TestEvent> events;
  std::vector<std::string> output;  // console lines, "<fd>:<text>"
  bool ended = false;               // false: still running after the guard (120 s)

  // The results of the module's tests, by name: "ok", "ignored", "cancelled", or the
  // failure's text (Failure::format).
  std::vector<std::pair<std::string, std::string>> results() const;
  // The same for steps, by full name ("test ... step").
  std::vector<std::pair<std::string, std::string>> step_results() const;
  // The uncaught errors' messages.
  std::vector<std::string> uncaught() const;
};

// `options.main_module` is the test module; `options.test` is set here (with `run`).
TestModuleRun run_test_module(runtime::WorkerOptions options, runtime::TestRunOptions run = {});

}  // namespace test_support
