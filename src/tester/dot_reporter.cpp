// Deno's dot reporter (cli/tools/test/reporters/dot.rs): one character per test and step
// ("." ok, "," ignored, "!" failed or cancelled), each on its own line when stdout is not
// a terminal, wrapped at 80% of its width when it is; then the summary. No console output.
#include "tester/reporter.hpp"

#include <sys/ioctl.h>
#include <unistd.h>

namespace tester {
namespace {

std::size_t dots_per_line(bool terminal) {
  winsize size{};
  if (!terminal || ::ioctl(STDOUT_FILENO, TIOCGWINSZ, &size) != 0) {
    return 0;
  }
  return static_cast<std::size_t>(size.ws_col * 0.8);
}

class DotReporter : public Reporter {
 public:
  explicit DotReporter(ReporterOptions options)
      : m_options(std::move(options)),
        m_c{m_options.colour},
        m_out(*m_options.output),
        m_width(dots_per_line(m_options.terminal)) {}

  void report_plan(const TestPlan& plan) override {
    m_summary.total += plan.total;
    m_summary.filtered_out += plan.filtered_out;
  }
  void report_wait(const TestDescription&) override {}
  void report_output(std::string_view) override {}

  void report_result(const TestDescription& test, const TestResult& result, double) override {
    m_summary.add_result(test, result);
    switch (result.kind) {
      case TestResult::Kind::ok:
        print(m_c.gray("."));
        break;
      case TestResult::Kind::ignored:
        print(m_c.cyan(","));
        break;
      case TestResult::Kind::failed:
        print(m_c.red("!"));
        break;
      case TestResult::Kind::cancelled:
        print(m_c.gray("!"));
        break;
    }
  }

  void report_uncaught_error(const std::string& origin, const JsError& error) override {
    ++m_summary.failed;
    m_summary.uncaught_errors.emplace_back(origin, error);
    end_line();
    m_out.write("Uncaught error from " + relative_url(origin, m_options.cwd_url) + " " +
                m_c.red("FAILED") + "\n");
    m_count = 0;
  }

  void report_step_register(const StepDescription&) override {}
  void report_step_wait(const StepDescription&) override {}

  void report_step_result(const StepDescription& step, const TestResult& result, double,
                          const Registry& registry) override {
    m_summary.add_step_result(step, result, registry);
    switch (result.kind) {
      case TestResult::Kind::ok:
        print(m_c.gray("."));
        break;
      case TestResult::Kind::ignored:
        print(m_c.cyan(","));
        break;
      default:
        print(m_c.red("!"));
        break;
    }
  }

  void report_isolate_exit(const std::string& origin, int code) override {
    end_line();
    m_out.write("\n" + (code == 0 ? m_c.yellow("note") : m_c.red("error")) + " " +
                relative_url(origin, m_options.cwd_url) + " called `Deno.exit(" +
                std::to_string(code) +
                ")` from outside any test. The isolate was terminated; remaining test files "
                "will continue.\n");
    m_count = 0;
    if (code != 0) {
      ++m_summary.failed;
    }
  }

  void report_exit(int code, const std::vector<std::string>& pending) override {
    end_line();
    m_out.write("\n" + m_c.yellow("warning") + " A test called Deno.exit(" + std::to_string(code) +
                ") while the exit sanitizer was disabled (sanitizeExit: false). Aborting the "
                "test run.\n");
    if (!pending.empty()) {
      m_out.write("\nThe following tests were pending:\n\n");
      for (const auto& entry : pending) {
        m_out.write(entry + "\n");
      }
    }
    m_out.write("\n");
  }

  void report_summary(std::chrono::nanoseconds elapsed, const Registry&) override {
    end_line();
    m_out.write(format_summary(m_summary, m_options.cwd_url, elapsed, m_c) + "\n");
  }

  void flush(std::chrono::nanoseconds, const Registry&) override { m_out.flush(); }

 private:
  void print(const std::string& status) {
    if (m_count != 0 && (m_width == 0 || m_count % m_width == 0)) {
      m_out.write("\n");
    }
    ++m_count;
    m_out.write(status);
    m_open = true;
    m_out.flush();
  }

  void end_line() {
    if (m_open) {
      m_out.write("\n");
      m_open = false;
    }
  }

  ReporterOptions m_options;
  Colours m_c;
  Output& m_out;
  std::size_t m_width;  // characters per line; 0: one per line
  std::size_t m_count = 0;
  bool m_open = false;  // a line of characters is not ended yet
  Summary m_summary;
};

}  // namespace

std::unique_ptr<Reporter> make_dot_reporter(const ReporterOptions& options) {
  return std::make_unique<DotReporter>(options);
}

}  // namespace tester
