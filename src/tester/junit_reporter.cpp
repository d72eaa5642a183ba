// Deno's JUnit reporter (cli/tools/test/reporters/junit.rs, through quick_junit): one
// <testsuite> per module, a <testcase> per test and then per step ("test > step"), written
// at the end to stdout or --junit-path. The shape CI tools read (the JUnit XSD's
// testsuites/testsuite/testcase with failure, error and skipped).
#include "tester/reporter.hpp"

#include "util/error.hpp"
#include "util/files.hpp"

#include <cstdio>
#include <map>
#include <optional>

namespace tester {
namespace {

std::string escape_xml(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (char c : text) {
    switch (c) {
      case '&':
        out += "&amp;";
        break;
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      case '"':
        out += "&quot;";
        break;
      case '\'':
        out += "&apos;";
        break;
      default:
        // XML 1.0 has no place for other control characters (an escape sequence's ESC).
        if (static_cast<unsigned char>(c) < 0x20 && c != '\n' && c != '\t' && c != '\r') {
          break;
        }
        out += c;
    }
  }
  return out;
}

std::string seconds(double ms) {
  char text[32];
  std::snprintf(text, sizeof text, "%.3f", ms > 0 ? ms / 1000.0 : 0.0);
  return text;
}

class JunitReporter : public Reporter {
 public:
  JunitReporter(ReporterOptions options, std::string path)
      : m_options(std::move(options)), m_path(std::move(path)) {}

  void report_plan(const TestPlan& plan) override {
    auto& suite = suite_for(plan.origin);
    for (const auto& test : plan.tests) {
      Case entry;
      entry.name = test.name;
      entry.location = test.location;
      entry.status = Status::skipped;  // until a result says otherwise
      m_index[test.id] = {plan.origin, suite.tests.size(), false};
      suite.tests.push_back(std::move(entry));
    }
  }
  void report_wait(const TestDescription&) override {}
  void report_output(std::string_view) override {}

  void report_result(const TestDescription& test, const TestResult& result,
                     double elapsed_ms) override {
    if (auto* entry = find(test.id)) {
      set_status(*entry, result, elapsed_ms);
    }
  }

  void report_uncaught_error(const std::string&, const JsError&) override {}

  void report_step_register(const StepDescription& step) override {
    auto& suite = suite_for(step.origin);
    Case entry;
    entry.location = step.location;
    entry.status = Status::skipped;
    m_index[step.id] = {step.origin, suite.steps.size(), true};
    suite.steps.push_back(std::move(entry));
  }
  void report_step_wait(const StepDescription&) override {}

  void report_step_result(const StepDescription& step, const TestResult& result, double elapsed_ms,
                          const Registry& registry) override {
    if (auto* entry = find(step.id)) {
      entry->name = registry.step_ancestry(step);
      // "test ... step" in the reports, "test > step" here (Deno's junit names).
      std::string name;
      for (std::size_t i = 0; i < entry->name.size();) {
        if (entry->name.compare(i, 5, " ... ") == 0) {
          name += " > ";
          i += 5;
        } else {
          name += entry->name[i++];
        }
      }
      entry->name = std::move(name);
      set_status(*entry, result, elapsed_ms);
    }
  }

  void report_isolate_exit(const std::string&, int) override {}
  void report_exit(int, const std::vector<std::string>&) override {}
  void report_summary(std::chrono::nanoseconds, const Registry&) override {}

  void flush(std::chrono::nanoseconds elapsed, const Registry&) override {
    std::size_t tests = 0;
    std::size_t failures = 0;
    std::size_t errors = 0;
    std::string body;
    for (const auto& origin : m_order) {
      const auto& suite = m_suites.at(origin);
      std::size_t suite_tests = 0;
      std::size_t disabled = 0;
      std::size_t suite_failures = 0;
      std::size_t suite_errors = 0;
      std::string cases;
      auto name = relative_url(origin, m_options.cwd_url);
      for (const auto* list : {&suite.tests, &suite.steps}) {
        for (const auto& entry : *list) {
          if (entry.name.empty()) {
            continue;  // a step that never ended
          }
          ++suite_tests;
          cases += "        <testcase name=\"" + escape_xml(entry.name) + "\" classname=\"" +
                   escape_xml(name) + "\" time=\"" + seconds(entry.elapsed_ms) + "\" line=\"" +
                   std::to_string(entry.location.line) + "\" col=\"" +
                   std::to_string(entry.location.column) + "\">\n";
          switch (entry.status) {
            case Status::passed:
              break;
            case Status::skipped:
              ++disabled;
              cases += "            <skipped/>\n";
              break;
            case Status::failure:
              ++suite_failures;
              cases += "            <failure message=\"" + escape_xml(entry.message) + "\">" +
                       escape_xml(entry.text) + "</failure>\n";
              break;
            case Status::error:
              ++suite_errors;
              cases += "            <error message=\"" + escape_xml(entry.message) + "\"/>\n";
              break;
          }
          cases += "        </testcase>\n";
        }
      }
      tests += suite_tests;
      failures += suite_failures;
      errors += suite_errors;
      body += "    <testsuite name=\"" + escape_xml(name) + "\" tests=\"" +
              std::to_string(suite_tests) + "\" disabled=\"" + std::to_string(disabled) +
              "\" errors=\"" + std::to_string(suite_errors) + "\" failures=\"" +
              std::to_string(suite_failures) + "\">\n" + cases + "    </testsuite>\n";
    }
    auto total_ms = std::chrono::duration<double, std::milli>(elapsed).count();
    std::string xml = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n";
    xml += "<testsuites name=\"deno test\" tests=\"" + std::to_string(tests) + "\" failures=\"" +
           std::to_string(failures) + "\" errors=\"" + std::to_string(errors) + "\" time=\"" +
           seconds(total_ms) + "\">\n" + body + "</testsuites>\n";
    if (m_path == "-") {
      m_options.output->write(xml);
      m_options.output->flush();
      return;
    }
    try {
      auto path = std::filesystem::absolute(m_path);
      if (path.has_parent_path()) {
        std::filesystem::create_directories(path.parent_path());
      }
      util::write_file_atomic(path, xml);
    } catch (const std::exception& error) {
      throw util::Error("Failed to write JUnit report to " + m_path + ": " + error.what());
    }
  }

 private:
  enum class Status { passed, skipped, failure, error };
  struct Case {
    std::string name;
    Location location;
    Status status = Status::skipped;
    double elapsed_ms = 0;
    std::string message;  // failure/error message attribute
    std::string text;     // failure body
  };
  struct Suite {
    std::vector<Case> tests;
    std::vector<Case> steps;  // listed after the tests, as Deno does
  };
  struct Where {
    std::string origin;
    std::size_t index = 0;
    bool step = false;
  };

  Suite& suite_for(const std::string& origin) {
    auto [it, added] = m_suites.try_emplace(origin);
    if (added) {
      m_order.push_back(origin);
    }
    return it->second;
  }

  Case* find(std::uint64_t id) {
    auto it = m_index.find(id);
    if (it == m_index.end()) {
      return nullptr;
    }
    auto& suite = m_suites.at(it->second.origin);
    auto& list = it->second.step ? suite.steps : suite.tests;
    return &list.at(it->second.index);
  }

  static void set_status(Case& entry, const TestResult& result, double elapsed_ms) {
    entry.elapsed_ms = elapsed_ms;
    switch (result.kind) {
      case TestResult::Kind::ok:
        entry.status = Status::passed;
        break;
      case TestResult::Kind::ignored:
        entry.status = Status::skipped;
        break;
      case TestResult::Kind::failed:
        entry.status = Status::failure;
        entry.message = result.failure.overview();
        entry.text = result.failure.format(false);
        break;
      case TestResult::Kind::cancelled:
        entry.status = Status::error;
        entry.message = "Cancelled";
        break;
    }
  }

  ReporterOptions m_options;
  std::string m_path;
  std::map<std::string, Suite> m_suites;
  std::vector<std::string> m_order;  // modules in the order they first reported
  std::map<std::uint64_t, Where> m_index;
};

}  // namespace

std::unique_ptr<Reporter> make_junit_reporter(const ReporterOptions& options, std::string path) {
  return std::make_unique<JunitReporter>(options, std::move(path));
}

}  // namespace tester
