#pragma once

// What a test run reports, in the shapes of Deno's TestEvent (cli/tools/test/mod.rs), so
// that the reporters can follow Deno's own: descriptions of tests and steps, results and
// failures, and errors as Deno's JsError. The worker's runner (runtime js/testing.js) sends
// them as JSON; parse_event() reads one.

#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace tester {

struct Location {
  std::string file;  // the module URL
  int line = 0;      // 1-based
  int column = 0;    // 1-based
};

struct TestDescription {
  std::uint64_t id = 0;
  std::string name;
  std::string origin;  // the module URL
  Location location;
};

struct StepDescription {
  std::uint64_t id = 0;
  std::string name;
  std::string origin;
  Location location;
  int level = 1;  // 1: a test's own step
  std::uint64_t parent_id = 0;
  std::uint64_t root_id = 0;
  std::string root_name;
};

// A stack frame: the function part ("Type.fn [as m]", "new X", "Promise.all (index 0)";
// none at the top level) and where it is ("file:///a.ts:3:9", or "native").
struct JsFrame {
  bool async = false;
  std::optional<std::string> name;
  std::optional<std::string> location;
};

// An error as Deno's JsError holds it. `message` is "Error: boom" (Deno's exception message
// without its "Uncaught "), or the value inspected for something that is not an Error.
struct JsError {
  std::string message;
  std::vector<JsFrame> frames;
  std::optional<std::string> source_line;  // the line of the first frame, as written
  int source_column = 0;                   // 1-based, in that line
  std::shared_ptr<JsError> cause;
  std::vector<JsError> aggregated;  // an AggregateError's errors
};

// Why a test or step failed (Deno's TestFailure).
struct Failure {
  enum class Kind {
    js_error,                     // it threw
    failed_steps,                 // `count` of its steps failed
    incomplete_steps,             // it ended while steps still ran
    incomplete,                   // a step that did not end before its parent
    leaked,                       // the sanitizers found `details`
    timed_out,                    // its deadline (`ms`) passed
    pending,                      // it waited for what could never happen
    overlaps_with_sanitizers,     // started while sibling steps with sanitizers ran
    has_sanitizers_and_overlaps,  // has sanitizers, started while siblings ran
  };
  Kind kind = Kind::js_error;
  std::shared_ptr<JsError> error;
  std::size_t count = 0;
  std::uint64_t ms = 0;
  std::vector<std::string> details;   // leaks, or the names of the overlapping steps
  std::vector<std::string> trailers;  // leak notes
  // `sbfn test --serve`: what the functions server logged from the test's start until the
  // next test started; shared, since the lines of a request the test already saw answered
  // may still arrive after the test's result (reports print errors at the end).
  std::shared_ptr<std::vector<std::string>> server_log;

  // Deno's TestFailure::format(): the text after "error: " (colours as `colour` says).
  std::string format(bool colour) const;
  // Deno's TestFailure::overview(): a one-liner (JUnit's failure message).
  std::string overview() const;
  // "FAILED" or, for an incomplete step, "INCOMPLETE".
  std::string label(bool colour) const;
  // "due to 1 failed step", "due to incomplete steps", or empty.
  std::string inline_summary() const;
  // Failures caused by steps, which the summaries list instead.
  bool hide_in_summary() const;
};

struct TestResult {
  enum class Kind { ok, ignored, failed, cancelled };
  Kind kind = Kind::ok;
  Failure failure;  // kind == failed
};

struct TestPlan {
  std::string origin;
  std::size_t total = 0;
  std::size_t filtered_out = 0;
  bool used_only = false;
  std::vector<TestDescription> tests;
};

struct TestEvent {
  enum class Kind {
    plan,
    wait,
    result,
    step_register,
    step_wait,
    step_result,
    uncaught,
    exit,
    completed,
  };
  Kind kind = Kind::plan;
  TestPlan plan;
  std::uint64_t id = 0;  // wait, result, step_wait, step_result
  TestResult result;
  double elapsed_ms = 0;
  StepDescription step;  // step_register
  std::string origin;    // uncaught
  JsError error;         // uncaught
  int exit_code = 0;     // exit
  bool in_test = false;  // exit: Deno.exit was called inside a test
};

// Reads one event of the runner; ids are offset by `id_base` so that the ids of several
// modules (each counts from 1) never meet. Throws util::Error for what is not an event.
TestEvent parse_event(std::string_view json, std::uint64_t id_base);

}  // namespace tester
