#pragma once

// The reporters of `sbfn test`, one per Deno format (cli/tools/test/reporters/): pretty
// (the default), dot, tap and junit, and a compound one for --junit-path beside another.
// The run calls them from one thread at a time, in the order the events happened.

#include "tester/events.hpp"
#include "tester/format.hpp"

#include <chrono>
#include <map>
#include <memory>
#include <set>
#include <string>
#include <string_view>
#include <vector>

namespace tester {

// Every test and step described so far, by id (Deno's IndexMaps of the same name).
struct Registry {
  std::map<std::uint64_t, TestDescription> tests;
  std::map<std::uint64_t, StepDescription> steps;
  // "test ... step ... sub-step", the names from the test down to `step`.
  std::string step_ancestry(const StepDescription& step) const;
};

// What went wrong, kept for the end-of-run summary (Deno's TestSummary).
struct Summary {
  std::size_t total = 0;
  std::size_t passed = 0;
  std::size_t failed = 0;
  std::size_t ignored = 0;
  std::size_t passed_steps = 0;
  std::size_t failed_steps = 0;
  std::size_t ignored_steps = 0;
  std::size_t filtered_out = 0;
  struct FailureEntry {
    std::string name;  // a step's full ancestry
    std::string origin;
    Location location;
    Failure failure;
  };
  std::vector<FailureEntry> failures;
  std::vector<std::pair<std::string, JsError>> uncaught_errors;  // origin, error

  bool has_failed() const { return failed > 0 || !failures.empty(); }
  // Counts a test's result (and keeps its failure).
  void add_result(const TestDescription& test, const TestResult& result);
  void add_step_result(const StepDescription& step, const TestResult& result,
                       const Registry& registry);
};

// Deno's common::report_summary: the ERRORS and FAILURES sections (failures grouped by
// module, in order) and the "ok | 3 passed | 0 failed (12ms)" line.
std::string format_summary(const Summary& summary, std::string_view cwd_url,
                           std::chrono::nanoseconds elapsed, const Colours& colours);

// "name => ./file.ts:2:6", as the summaries list a test or step.
std::string format_for_summary(std::string_view name, const Location& location,
                               std::string_view cwd_url, const Colours& colours);

// Where reporters write: stdout (a stream of its own for tests of the reporters).
class Output {
 public:
  virtual ~Output() = default;
  virtual void write(std::string_view text) = 0;
  virtual void flush() {}
};
std::shared_ptr<Output> stdout_output();

class Reporter {
 public:
  virtual ~Reporter() = default;
  virtual void report_plan(const TestPlan& plan) = 0;
  virtual void report_wait(const TestDescription& test) = 0;
  // Console output of the module that runs (both streams, as Deno shows them).
  virtual void report_output(std::string_view text) = 0;
  virtual void report_result(const TestDescription& test, const TestResult& result,
                             double elapsed_ms) = 0;
  virtual void report_uncaught_error(const std::string& origin, const JsError& error) = 0;
  virtual void report_step_register(const StepDescription& step) = 0;
  virtual void report_step_wait(const StepDescription& step) = 0;
  virtual void report_step_result(const StepDescription& step, const TestResult& result,
                                  double elapsed_ms, const Registry& registry) = 0;
  // Deno.exit(code) outside any test: that module ended, the run goes on.
  virtual void report_isolate_exit(const std::string& origin, int code) = 0;
  // Deno.exit(code) in a test with sanitizeExit off: the run ends; `pending` were running.
  virtual void report_exit(int code, const std::vector<std::string>& pending) = 0;
  virtual void report_summary(std::chrono::nanoseconds elapsed, const Registry& registry) = 0;
  // Writes what is kept until the end (JUnit's XML); throws util::Error when it cannot.
  virtual void flush(std::chrono::nanoseconds elapsed, const Registry& registry) = 0;
};

struct ReporterOptions {
  std::string cwd_url;  // "file:///work/proj" (no trailing slash needed)
  bool colour = false;
  bool terminal = false;  // stdout is a terminal: a finished test rewrites its wait line
  bool parallel = false;  // modules run at once: every line names its module
  bool filter = false;    // --filter given: modules left with no test print no header
  std::shared_ptr<Output> output;
};

std::unique_ptr<Reporter> make_pretty_reporter(const ReporterOptions& options);
std::unique_ptr<Reporter> make_dot_reporter(const ReporterOptions& options);
std::unique_ptr<Reporter> make_tap_reporter(const ReporterOptions& options);
// `path` "-" writes to the options' output.
std::unique_ptr<Reporter> make_junit_reporter(const ReporterOptions& options, std::string path);
std::unique_ptr<Reporter> make_compound_reporter(std::vector<std::unique_ptr<Reporter>> reporters);

}  // namespace tester
