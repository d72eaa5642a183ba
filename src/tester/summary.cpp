// What the reporters share: the registry of tests and steps, the run's summary and its
// ERRORS/FAILURES sections (Deno's reporters/common.rs), stdout, and the compound reporter.
#include "tester/reporter.hpp"

#include <cstdio>

namespace tester {
namespace {

std::string steps_text(std::size_t count) {
  if (count == 0) {
    return "";
  }
  return count == 1 ? " (1 step)" : " (" + std::to_string(count) + " steps)";
}

class StdoutOutput : public Output {
 public:
  void write(std::string_view text) override { std::fwrite(text.data(), 1, text.size(), stdout); }
  void flush() override { std::fflush(stdout); }
};

// --junit-path beside another reporter: every event goes to each.
class CompoundReporter : public Reporter {
 public:
  explicit CompoundReporter(std::vector<std::unique_ptr<Reporter>> reporters)
      : m_reporters(std::move(reporters)) {}
  void report_plan(const TestPlan& plan) override {
    for (auto& r : m_reporters) {
      r->report_plan(plan);
    }
  }
  void report_wait(const TestDescription& test) override {
    for (auto& r : m_reporters) {
      r->report_wait(test);
    }
  }
  void report_output(std::string_view text) override {
    for (auto& r : m_reporters) {
      r->report_output(text);
    }
  }
  void report_result(const TestDescription& test, const TestResult& result,
                     double elapsed_ms) override {
    for (auto& r : m_reporters) {
      r->report_result(test, result, elapsed_ms);
    }
  }
  void report_uncaught_error(const std::string& origin, const JsError& error) override {
    for (auto& r : m_reporters) {
      r->report_uncaught_error(origin, error);
    }
  }
  void report_step_register(const StepDescription& step) override {
    for (auto& r : m_reporters) {
      r->report_step_register(step);
    }
  }
  void report_step_wait(const StepDescription& step) override {
    for (auto& r : m_reporters) {
      r->report_step_wait(step);
    }
  }
  void report_step_result(const StepDescription& step, const TestResult& result, double elapsed_ms,
                          const Registry& registry) override {
    for (auto& r : m_reporters) {
      r->report_step_result(step, result, elapsed_ms, registry);
    }
  }
  void report_isolate_exit(const std::string& origin, int code) override {
    for (auto& r : m_reporters) {
      r->report_isolate_exit(origin, code);
    }
  }
  void report_exit(int code, const std::vector<std::string>& pending) override {
    for (auto& r : m_reporters) {
      r->report_exit(code, pending);
    }
  }
  void report_summary(std::chrono::nanoseconds elapsed, const Registry& registry) override {
    for (auto& r : m_reporters) {
      r->report_summary(elapsed, registry);
    }
  }
  void flush(std::chrono::nanoseconds elapsed, const Registry& registry) override {
    for (auto& r : m_reporters) {
      r->flush(elapsed, registry);
    }
  }

 private:
  std::vector<std::unique_ptr<Reporter>> m_reporters;
};

}  // namespace

std::string Registry::step_ancestry(const StepDescription& step) const {
  std::vector<const std::string*> names{&step.name};
  const StepDescription* current = &step;
  std::string root;
  for (;;) {
    auto parent = steps.find(current->parent_id);
    if (parent == steps.end()) {
      auto test = tests.find(current->parent_id);
      root = test != tests.end() ? test->second.name : step.root_name;
      break;
    }
    names.push_back(&parent->second.name);
    current = &parent->second;
  }
  std::string out = root;
  for (auto it = names.rbegin(); it != names.rend(); ++it) {
    out += " ... " + **it;
  }
  return out;
}

void Summary::add_result(const TestDescription& test, const TestResult& result) {
  switch (result.kind) {
    case TestResult::Kind::ok:
      ++passed;
      break;
    case TestResult::Kind::ignored:
      ++ignored;
      break;
    case TestResult::Kind::failed:
      ++failed;
      failures.push_back({test.name, test.origin, test.location, result.failure});
      break;
    case TestResult::Kind::cancelled:
      ++failed;
      break;
  }
}

void Summary::add_step_result(const StepDescription& step, const TestResult& result,
                              const Registry& registry) {
  switch (result.kind) {
    case TestResult::Kind::ok:
      ++passed_steps;
      break;
    case TestResult::Kind::ignored:
      ++ignored_steps;
      break;
    case TestResult::Kind::failed:
    case TestResult::Kind::cancelled:
      ++failed_steps;
      failures.push_back(
          {registry.step_ancestry(step), step.origin, step.location, result.failure});
      break;
  }
}

std::string format_for_summary(std::string_view name, const Location& location,
                               std::string_view cwd_url, const Colours& colours) {
  return std::string(name) + " " +
         colours.gray("=> " + relative_url(location.file, cwd_url) + ":" +
                      std::to_string(location.line) + ":" + std::to_string(location.column));
}

std::string format_summary(const Summary& summary, std::string_view cwd_url,
                           std::chrono::nanoseconds elapsed, const Colours& c) {
  std::string out;
  if (!summary.failures.empty() || !summary.uncaught_errors.empty()) {
    // By module, in order; a module keeps its last uncaught error (Deno's BTreeMap).
    std::map<std::string, std::pair<std::vector<const Summary::FailureEntry*>, const JsError*>>
        by_origin;
    for (const auto& failure : summary.failures) {
      by_origin[failure.origin].first.push_back(&failure);
    }
    for (const auto& [origin, error] : summary.uncaught_errors) {
      by_origin[origin].second = &error;
    }
    std::vector<std::string> titles;
    out += "\n" + c.white_bold_on_red(" ERRORS ") + "\n\n";
    for (const auto& [origin, entry] : by_origin) {
      for (const auto* failure : entry.first) {
        if (failure->failure.hide_in_summary()) {
          continue;
        }
        auto title = format_for_summary(failure->name, failure->location, cwd_url, c);
        out += title + "\n";
        out += c.red_bold("error") + ": " + failure->failure.format(c.on) + "\n\n";
        titles.push_back(std::move(title));
      }
      if (entry.second != nullptr) {
        auto title = relative_url(origin, cwd_url) + " (uncaught error)";
        out += title + "\n";
        out += c.red_bold("error") + ": " + format_test_error(*entry.second, c) + "\n";
        out +=
            "This error was not caught from a test and caused the test runner to fail on the "
            "referenced module.\n"
            "It most likely originated from a dangling promise, event/timeout handler or "
            "top-level code.\n\n";
        titles.push_back(std::move(title));
      }
    }
    out += c.white_bold_on_red(" FAILURES ") + "\n\n";
    for (const auto& title : titles) {
      out += title + "\n";
    }
  }
  std::string result = std::to_string(summary.passed) + " passed" +
                       steps_text(summary.passed_steps) + " | " + std::to_string(summary.failed) +
                       " failed" + steps_text(summary.failed_steps);
  auto ignored_steps = steps_text(summary.ignored_steps);
  if (summary.ignored > 0 || !ignored_steps.empty()) {
    result += " | " + std::to_string(summary.ignored) + " ignored" + ignored_steps;
  }
  if (summary.filtered_out > 0) {
    result += " | " + std::to_string(summary.filtered_out) + " filtered out";
  }
  auto whole_ms = std::chrono::duration_cast<std::chrono::milliseconds>(elapsed);
  out += "\n" + (summary.has_failed() ? c.red("FAILED") : c.green("ok")) + " | " + result + " " +
         c.gray("(" + human_elapsed(whole_ms) + ")") + "\n";
  return out;
}

std::shared_ptr<Output> stdout_output() {
  return std::make_shared<StdoutOutput>();
}

std::unique_ptr<Reporter> make_compound_reporter(std::vector<std::unique_ptr<Reporter>> reporters) {
  return std::make_unique<CompoundReporter>(std::move(reporters));
}

}  // namespace tester
