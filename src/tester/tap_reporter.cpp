// Deno's TAP 14 reporter (cli/tools/test/reporters/tap.rs): a "# ./module" comment per
// module, "ok N - name" per test (numbering runs on across modules), steps flat in one
// "# Subtest:" block per test, failures with a one-line JSON diagnostic, "1..N" at the end.
#include "tester/reporter.hpp"

#include <nlohmann/json.hpp>

#include <map>

namespace tester {
namespace {

std::string escape_description(std::string_view text) {
  std::string out;
  for (char c : text) {
    switch (c) {
      case '\\':
        out += "\\\\";
        break;
      case '\n':
        out += "\\n";
        break;
      case '\r':
        out += "\\r";
        break;
      case '#':
        out += "\\#";
        break;
      default:
        out += c;
    }
  }
  return out;
}

class TapReporter : public Reporter {
 public:
  explicit TapReporter(ReporterOptions options)
      : m_options(std::move(options)), m_out(*m_options.output) {}

  void report_plan(const TestPlan& plan) override {
    header();
    m_planned += plan.total;
    if (!m_options.parallel) {
      // Consumers read a comment as the name of a suite; with modules at once it would lie.
      m_out.write("# " + relative_url(plan.origin, m_options.cwd_url) + "\n");
    }
  }
  void report_wait(const TestDescription&) override { m_out.flush(); }
  void report_output(std::string_view) override {}

  void report_result(const TestDescription& test, const TestResult& result, double) override {
    if (m_options.parallel) {
      auto node = m_step_results.extract(test.id);
      if (!node.empty()) {
        for (const auto& [step, step_result] : node.mapped()) {
          print_step(step, step_result);
        }
      }
    }
    if (m_step_n != 0) {
      m_out.write("    1.." + std::to_string(m_step_n) + "\n");
      m_step_n = 0;
    }
    ++m_n;
    bool failed = result.kind == TestResult::Kind::failed;
    line(0, failed || result.kind == TestResult::Kind::cancelled ? "not ok" : "ok", m_n, test.name,
         result.kind == TestResult::Kind::ignored ? " # SKIP" : "");
    if (failed) {
      diagnostic(0, result.failure, relative_url(test.origin, m_options.cwd_url),
                 test.location.line);
    }
  }

  void report_uncaught_error(const std::string&, const JsError&) override {}
  void report_step_register(const StepDescription&) override {}
  void report_step_wait(const StepDescription&) override { m_out.flush(); }

  void report_step_result(const StepDescription& step, const TestResult& result, double,
                          const Registry&) override {
    if (m_options.parallel) {
      // Subtests come right before their test: kept until it ends.
      m_step_results[step.root_id].emplace_back(step, result);
      return;
    }
    print_step(step, result);
  }

  void report_isolate_exit(const std::string&, int) override {}
  void report_exit(int, const std::vector<std::string>&) override {}

  void report_summary(std::chrono::nanoseconds, const Registry&) override {
    header();
    m_out.write("1.." + std::to_string(m_planned) + "\n");
  }

  void flush(std::chrono::nanoseconds, const Registry&) override { m_out.flush(); }

 private:
  void header() {
    if (!m_header) {
      m_out.write("TAP version 14\n");
      m_header = true;
    }
  }

  void line(std::size_t indent, std::string_view status, std::size_t n, std::string_view name,
            std::string_view directive) {
    m_out.write(std::string(indent, ' ') + std::string(status) + " " + std::to_string(n) + " - " +
                escape_description(name) + std::string(directive) + "\n");
  }

  // YAML is a superset of JSON: one JSON line for the diagnostic, as Deno writes it.
  void diagnostic(std::size_t indent, const Failure& failure, const std::string& file, int at) {
    nlohmann::ordered_json json;
    json["message"] = failure.format(m_options.colour);
    json["severity"] = "fail";
    json["at"] = {{"file", file}, {"line", at}};
    std::string pad(indent, ' ');
    m_out.write(pad + "  ---\n" + pad + "  " +
                json.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace) + "\n" + pad +
                "  ...\n");
  }

  void print_step(const StepDescription& step, const TestResult& result) {
    if (m_step_n == 0) {
      m_out.write("# Subtest: " + step.root_name + "\n");
    }
    ++m_step_n;
    bool failed =
        result.kind == TestResult::Kind::failed || result.kind == TestResult::Kind::cancelled;
    line(4, failed ? "not ok" : "ok", m_step_n, step.name,
         result.kind == TestResult::Kind::ignored ? " # SKIP" : "");
    if (failed) {
      diagnostic(4, result.failure, relative_url(step.origin, m_options.cwd_url),
                 step.location.line);
    }
  }

  ReporterOptions m_options;
  Output& m_out;
  bool m_header = false;
  std::size_t m_planned = 0;
  std::size_t m_n = 0;
  std::size_t m_step_n = 0;
  std::map<std::uint64_t, std::vector<std::pair<StepDescription, TestResult>>> m_step_results;
};

}  // namespace

std::unique_ptr<Reporter> make_tap_reporter(const ReporterOptions& options) {
  return std::make_unique<TapReporter>(options);
}

}  // namespace tester
