// Deno's default reporter (cli/tools/test/reporters/pretty.rs, with 2.9's changes): a
// "running N tests from ./x" header per module, "name ... ok (3ms)" per test, steps
// indented under their test, console output between markers, then the summary.
#include "tester/reporter.hpp"

#include <map>
#include <optional>

namespace tester {
namespace {

class PrettyReporter : public Reporter {
 public:
  explicit PrettyReporter(ReporterOptions options)
      : m_options(std::move(options)), m_c{m_options.colour}, m_out(*m_options.output) {}

  void report_plan(const TestPlan& plan) override {
    write_output_end();
    m_summary.total += plan.total;
    m_summary.filtered_out += plan.filtered_out;
    m_started_tests = false;  // console output before the first test is "pre-test"
    if (m_options.parallel || (m_options.filter && plan.total == 0)) {
      return;
    }
    new_line();
    m_out.write(m_c.gray("running " + std::to_string(plan.total) +
                         (plan.total == 1 ? " test" : " tests") + " from " +
                         relative_url(plan.origin, m_options.cwd_url)) +
                "\n");
    m_in_new_line = true;
  }

  void report_wait(const TestDescription& test) override {
    write_output_end();
    if (!m_options.parallel) {
      force_report_wait(test);
    }
    m_started_tests = true;
  }

  void report_output(std::string_view text) override {
    if (!m_did_have_user_output) {
      m_did_have_user_output = true;
      m_output_kind = !m_started_tests ? "pre-test output"
                      : m_scope        ? "output"
                                       : "post-test output";
      new_line();
      m_out.write(m_c.gray("------- " + m_output_kind + " -------") + "\n");
      m_in_new_line = true;
    }
    m_out.write(text);
  }

  void report_result(const TestDescription& test, const TestResult& result,
                     double elapsed_ms) override {
    m_summary.add_result(test, result);
    write_output_end();
    if (m_options.parallel || m_in_new_line || m_scope != test.id) {
      force_report_wait(test);
    } else if (m_options.terminal) {
      // A terminal shows the line again, finished (Deno 2.9 rewrites it).
      m_out.write("\r");
      m_in_new_line = true;
      force_report_wait(test);
    }
    std::string status;
    switch (result.kind) {
      case TestResult::Kind::ok:
        status = m_c.green("ok");
        break;
      case TestResult::Kind::ignored:
        status = m_c.yellow("ignored");
        break;
      case TestResult::Kind::failed:
        status = result.failure.label(m_c.on);
        break;
      case TestResult::Kind::cancelled:
        status = m_c.gray("cancelled");
        break;
    }
    m_out.write(" " + status);
    if (result.kind == TestResult::Kind::failed) {
      auto summary = result.failure.inline_summary();
      if (!summary.empty()) {
        m_out.write(" (" + summary + ")");
      }
    }
    m_out.write(" " + m_c.gray("(" + test_elapsed(elapsed_ms) + ")") + "\n");
    m_in_new_line = true;
    m_scope.reset();
  }

  void report_uncaught_error(const std::string& origin, const JsError& error) override {
    ++m_summary.failed;
    m_summary.uncaught_errors.emplace_back(origin, error);
    new_line();
    m_out.write("Uncaught error from " + relative_url(origin, m_options.cwd_url) + " " +
                m_c.red("FAILED") + "\n");
    m_in_new_line = true;
    m_did_have_user_output = false;
  }

  void report_step_register(const StepDescription& step) override { m_steps[step.id] = step; }

  void report_step_wait(const StepDescription& step) override {
    if (!m_options.parallel && m_scope == step.parent_id) {
      force_report_step_wait(step);
    }
  }

  void report_step_result(const StepDescription& step, const TestResult& result, double elapsed_ms,
                          const Registry& registry) override {
    m_summary.add_step_result(step, result, registry);
    if (m_options.parallel) {
      write_output_end();
      new_line();
      m_out.write(m_c.gray(relative_url(step.origin, m_options.cwd_url) + " =>") + " " +
                  registry.step_ancestry(step) + " ...");
      m_in_new_line = false;
      m_scope = step.id;
      force_report_step_result(step, result, elapsed_ms);
      return;
    }
    auto& siblings = m_child_results[step.parent_id];
    if (m_scope == step.id || m_scope == step.parent_id) {
      auto buffered = std::move(siblings);
      siblings.clear();
      force_report_step_result(step, result, elapsed_ms);
      for (const auto& [id, entry] : buffered) {
        force_report_step_result(entry.step, entry.result, entry.elapsed_ms);
      }
    } else {
      siblings[step.id] = {step, result, elapsed_ms};
    }
  }

  void report_isolate_exit(const std::string& origin, int code) override {
    write_output_end();
    // Straight after whatever line is open, as Deno writes it.
    m_out.write("\n" + (code == 0 ? m_c.yellow("note") : m_c.red("error")) + " " +
                relative_url(origin, m_options.cwd_url) + " called `Deno.exit(" +
                std::to_string(code) +
                ")` from outside any test. The isolate was terminated; remaining test files "
                "will continue.\n");
    m_in_new_line = true;
    if (code != 0) {
      ++m_summary.failed;
    }
  }

  void report_exit(int code, const std::vector<std::string>& pending) override {
    write_output_end();
    m_out.write("\n" + m_c.yellow("warning") + " A test called Deno.exit(" + std::to_string(code) +
                ") while the exit sanitizer was disabled (sanitizeExit: false). Aborting the "
                "test run.\n");
    if (pending.empty()) {
      m_out.write("\n");
    } else {
      m_out.write("\nThe following tests were pending:\n\n");
      for (const auto& entry : pending) {
        m_out.write(entry + "\n");
      }
      m_out.write("\n");
    }
    m_in_new_line = true;
  }

  void report_summary(std::chrono::nanoseconds elapsed, const Registry&) override {
    write_output_end();
    new_line();
    m_out.write(format_summary(m_summary, m_options.cwd_url, elapsed, m_c) + "\n");
    m_in_new_line = true;
  }

  void flush(std::chrono::nanoseconds, const Registry&) override { m_out.flush(); }

 private:
  struct StepEntry {
    StepDescription step;
    TestResult result;
    double elapsed_ms = 0;
  };

  void new_line() {
    if (!m_in_new_line) {
      m_out.write("\n");
      m_in_new_line = true;
    }
  }

  void force_report_wait(const TestDescription& test) {
    new_line();
    if (m_options.parallel) {
      m_out.write(m_c.gray(relative_url(test.origin, m_options.cwd_url) + " => "));
    }
    m_out.write(test.name + " ...");
    m_in_new_line = false;
    m_out.flush();
    m_scope = test.id;
  }

  void force_report_step_wait(const StepDescription& step) {
    write_output_end();
    new_line();
    m_out.write(std::string(2 * static_cast<std::size_t>(step.level), ' ') + step.name + " ...");
    m_in_new_line = false;
    m_out.flush();
    m_scope = step.id;
  }

  void force_report_step_result(const StepDescription& step, const TestResult& result,
                                double elapsed_ms) {
    write_output_end();
    if (m_in_new_line || m_scope != step.id) {
      force_report_step_wait(step);
    } else if (m_options.terminal && !m_options.parallel) {
      m_out.write("\r");
      m_in_new_line = true;
      force_report_step_wait(step);
    }
    if (!m_options.parallel) {
      auto node = m_child_results.extract(step.id);
      if (!node.empty() && !node.mapped().empty()) {
        for (const auto& [id, entry] : node.mapped()) {
          force_report_step_result(entry.step, entry.result, entry.elapsed_ms);
        }
        force_report_step_wait(step);
      }
    }
    std::string status;
    bool incomplete = false;
    switch (result.kind) {
      case TestResult::Kind::ok:
        status = m_c.green("ok");
        break;
      case TestResult::Kind::ignored:
        status = m_c.yellow("ignored");
        break;
      case TestResult::Kind::failed:
      case TestResult::Kind::cancelled:
        status = result.failure.label(m_c.on);
        incomplete = result.failure.kind == Failure::Kind::incomplete;
        break;
    }
    m_out.write(" " + status);
    if (result.kind == TestResult::Kind::failed) {
      auto summary = result.failure.inline_summary();
      if (!summary.empty()) {
        m_out.write(" (" + summary + ")");
      }
    }
    if (!incomplete) {
      m_out.write(" " + m_c.gray("(" + step_elapsed(elapsed_ms) + ")"));
    }
    m_out.write("\n");
    m_in_new_line = true;
    if (m_options.parallel) {
      m_scope.reset();
    } else {
      m_scope = step.parent_id;
    }
    if (auto it = m_child_results.find(step.parent_id); it != m_child_results.end()) {
      it->second.erase(step.id);
    }
  }

  void write_output_end() {
    if (m_did_have_user_output) {
      auto end = m_output_kind == "output" ? std::string("output end") : m_output_kind + " end";
      new_line();
      m_out.write(m_c.gray("----- " + end + " -----") + "\n");
      m_in_new_line = true;
      m_did_have_user_output = false;
    }
  }

  ReporterOptions m_options;
  Colours m_c;
  Output& m_out;
  Summary m_summary;
  bool m_in_new_line = true;
  bool m_started_tests = false;
  bool m_did_have_user_output = false;
  std::string m_output_kind;
  std::optional<std::uint64_t> m_scope;  // the test or step whose line is open
  std::map<std::uint64_t, StepDescription> m_steps;
  // Step results that arrived while another line was open, by parent, in order.
  std::map<std::uint64_t, std::map<std::uint64_t, StepEntry>> m_child_results;
};

}  // namespace

std::unique_ptr<Reporter> make_pretty_reporter(const ReporterOptions& options) {
  return std::make_unique<PrettyReporter>(options);
}

}  // namespace tester
