// Reading the runner's events (js/testing.js), and Deno's words for each kind of failure
// (TestFailure in cli/tools/test/mod.rs).
#include "tester/events.hpp"

#include "tester/format.hpp"

#include "util/error.hpp"

#include <nlohmann/json.hpp>

namespace tester {
namespace {

using Json = nlohmann::json;

std::string text_of(const Json& object, const char* key) {
  auto it = object.find(key);
  return it != object.end() && it->is_string() ? it->get<std::string>() : std::string();
}

Location location_of(const Json& value) {
  Location out;
  if (value.is_object()) {
    out.file = text_of(value, "fileName");
    out.line = value.value("lineNumber", 0);
    out.column = value.value("columnNumber", 0);
  }
  return out;
}

JsError error_of(const Json& value) {
  JsError out;
  if (!value.is_object()) {
    return out;
  }
  out.message = text_of(value, "message");
  if (auto frames = value.find("frames"); frames != value.end() && frames->is_array()) {
    for (const auto& frame : *frames) {
      JsFrame parsed;
      parsed.async = frame.value("async", false);
      if (auto name = frame.find("name"); name != frame.end() && name->is_string()) {
        parsed.name = name->get<std::string>();
      }
      if (auto where = frame.find("location"); where != frame.end() && where->is_string()) {
        parsed.location = where->get<std::string>();
      }
      out.frames.push_back(std::move(parsed));
    }
  }
  if (auto line = value.find("sourceLine"); line != value.end() && line->is_string()) {
    out.source_line = line->get<std::string>();
    out.source_column = value.value("sourceColumn", 0);
  }
  if (auto cause = value.find("cause"); cause != value.end() && cause->is_object()) {
    out.cause = std::make_shared<JsError>(error_of(*cause));
  }
  if (auto list = value.find("aggregated"); list != value.end() && list->is_array()) {
    for (const auto& inner : *list) {
      out.aggregated.push_back(error_of(inner));
    }
  }
  return out;
}

std::vector<std::string> strings_of(const Json& value) {
  std::vector<std::string> out;
  if (value.is_array()) {
    for (const auto& item : value) {
      if (item.is_string()) {
        out.push_back(item.get<std::string>());
      }
    }
  }
  return out;
}

Failure failure_of(const Json& value) {
  Failure out;
  if (value.is_string()) {
    auto kind = value.get<std::string>();
    out.kind = kind == "incompleteSteps" ? Failure::Kind::incomplete_steps
               : kind == "incomplete"    ? Failure::Kind::incomplete
                                         : Failure::Kind::pending;
    return out;
  }
  if (!value.is_object()) {
    throw util::Error("test event: unknown failure " + value.dump());
  }
  if (auto it = value.find("jsError"); it != value.end()) {
    out.kind = Failure::Kind::js_error;
    out.error = std::make_shared<JsError>(error_of(*it));
  } else if (auto it = value.find("failedSteps"); it != value.end()) {
    out.kind = Failure::Kind::failed_steps;
    out.count = it->get<std::size_t>();
  } else if (auto it = value.find("leaked"); it != value.end()) {
    out.kind = Failure::Kind::leaked;
    out.details = strings_of(*it);
    out.trailers = strings_of(value.value("trailers", Json::array()));
  } else if (auto it = value.find("timedOut"); it != value.end()) {
    out.kind = Failure::Kind::timed_out;
    out.ms = it->is_number() ? it->get<std::uint64_t>() : 0;
  } else if (auto it = value.find("overlapsWithSanitizers"); it != value.end()) {
    out.kind = Failure::Kind::overlaps_with_sanitizers;
    out.details = strings_of(*it);
  } else if (auto it = value.find("hasSanitizersAndOverlaps"); it != value.end()) {
    out.kind = Failure::Kind::has_sanitizers_and_overlaps;
    out.details = strings_of(*it);
  } else {
    throw util::Error("test event: unknown failure " + value.dump());
  }
  return out;
}

TestResult result_of(const Json& value) {
  TestResult out;
  if (value.is_string()) {
    auto kind = value.get<std::string>();
    out.kind = kind == "ok"        ? TestResult::Kind::ok
               : kind == "ignored" ? TestResult::Kind::ignored
                                   : TestResult::Kind::cancelled;
    return out;
  }
  out.kind = TestResult::Kind::failed;
  out.failure = failure_of(value.at("failed"));
  return out;
}

std::uint64_t id_of(const Json& value, const char* key, std::uint64_t base) {
  return base + value.value(key, std::uint64_t{0});
}

}  // namespace

TestEvent parse_event(std::string_view text, std::uint64_t id_base) {
  auto json = Json::parse(text, nullptr, false);
  if (!json.is_object()) {
    throw util::Error("test event is not a JSON object: " + std::string(text));
  }
  TestEvent event;
  auto kind = text_of(json, "kind");
  if (kind == "plan") {
    event.kind = TestEvent::Kind::plan;
    event.plan.origin = text_of(json, "origin");
    event.plan.total = json.value("total", std::size_t{0});
    event.plan.filtered_out = json.value("filteredOut", std::size_t{0});
    event.plan.used_only = json.value("usedOnly", false);
    for (const auto& test : json.value("tests", Json::array())) {
      TestDescription desc;
      desc.id = id_of(test, "id", id_base);
      desc.name = text_of(test, "name");
      desc.origin = text_of(test, "origin");
      desc.location = location_of(test.value("location", Json::object()));
      event.plan.tests.push_back(std::move(desc));
    }
  } else if (kind == "wait" || kind == "stepWait") {
    event.kind = kind == "wait" ? TestEvent::Kind::wait : TestEvent::Kind::step_wait;
    event.id = id_of(json, "id", id_base);
  } else if (kind == "result" || kind == "stepResult") {
    event.kind = kind == "result" ? TestEvent::Kind::result : TestEvent::Kind::step_result;
    event.id = id_of(json, "id", id_base);
    event.result = result_of(json.at("result"));
    event.elapsed_ms = json.value("elapsed", 0.0);
  } else if (kind == "stepRegister") {
    event.kind = TestEvent::Kind::step_register;
    const auto& step = json.at("step");
    event.step.id = id_of(step, "id", id_base);
    event.step.name = text_of(step, "name");
    event.step.origin = text_of(step, "origin");
    event.step.location = location_of(step.value("location", Json::object()));
    event.step.level = step.value("level", 1);
    event.step.parent_id = id_of(step, "parentId", id_base);
    event.step.root_id = id_of(step, "rootId", id_base);
    event.step.root_name = text_of(step, "rootName");
  } else if (kind == "uncaught") {
    event.kind = TestEvent::Kind::uncaught;
    event.origin = text_of(json, "origin");
    event.error = error_of(json.value("error", Json::object()));
  } else if (kind == "exit") {
    event.kind = TestEvent::Kind::exit;
    event.exit_code = json.value("code", 0);
    event.in_test = json.value("inTest", false);
  } else if (kind == "completed") {
    event.kind = TestEvent::Kind::completed;
  } else {
    throw util::Error("unknown test event: " + std::string(text));
  }
  return event;
}

namespace {

// Deno's TestFailure::format() proper.
std::string format_reason(const Failure& failure, bool colour) {
  using Kind = Failure::Kind;
  const auto& [kind, error, count, ms, details, trailers, server_log] = failure;
  switch (kind) {
    case Kind::js_error:
      return error ? format_test_error(*error, Colours{colour}) : std::string();
    case Kind::failed_steps:
      return count == 1 ? "1 test step failed." : std::to_string(count) + " test steps failed.";
    case Kind::incomplete_steps:
      return "Completed while steps were still running. Ensure all steps are awaited with `await "
             "t.step(...)`.";
    case Kind::incomplete:
      return "Didn't complete before parent. Await step with `await t.step(...)`.";
    case Kind::leaked: {
      std::string out = "Leaks detected:";
      for (const auto& detail : details) {
        out += "\n  - " + detail;
      }
      for (const auto& trailer : trailers) {
        out += "\n" + trailer;
      }
      return out;
    }
    case Kind::timed_out:
      return "Test timed out after " + std::to_string(ms) + "ms.";
    case Kind::pending:
      return "Promise resolution is still pending but the event loop has already resolved.";
    case Kind::overlaps_with_sanitizers:
    case Kind::has_sanitizers_and_overlaps: {
      std::string out = kind == Kind::overlaps_with_sanitizers
                            ? "Started test step while another test step with sanitizers was "
                              "running:"
                            : "Started test step with sanitizers while another test step was "
                              "running:";
      for (const auto& name : details) {
        out += "\n  * " + name;
      }
      return out;
    }
  }
  return "";
}

}  // namespace

std::string Failure::format(bool colour) const {
  auto text = format_reason(*this, colour);
  if (server_log && !server_log->empty()) {
    text += "\n------- server log -------";
    for (const auto& line : *server_log) {
      text += "\n" + line;
    }
    text += "\n----- server log end -----";
  }
  return text;
}

std::string Failure::overview() const {
  switch (kind) {
    case Kind::js_error:
      return error ? "Uncaught " + error->message : "Uncaught";
    case Kind::failed_steps:
      return count == 1 ? "1 test step failed" : std::to_string(count) + " test steps failed";
    case Kind::incomplete_steps:
      return "Completed while steps were still running";
    case Kind::incomplete:
      return "Didn't complete before parent";
    case Kind::leaked:
      return "Leaks detected";
    case Kind::timed_out:
      return "Timed out after " + std::to_string(ms) + "ms";
    case Kind::pending:
      return "Promise resolution is still pending";
    case Kind::overlaps_with_sanitizers:
      return "Started test step while another test step with sanitizers was running";
    case Kind::has_sanitizers_and_overlaps:
      return "Started test step with sanitizers while another test step was running";
  }
  return "";
}

std::string Failure::label(bool colour) const {
  Colours c{colour};
  return kind == Kind::incomplete ? c.gray("INCOMPLETE") : c.red("FAILED");
}

std::string Failure::inline_summary() const {
  if (kind == Kind::failed_steps) {
    return count == 1 ? "due to 1 failed step"
                      : "due to " + std::to_string(count) + " failed steps";
  }
  if (kind == Kind::incomplete_steps) {
    return "due to incomplete steps";
  }
  return "";
}

bool Failure::hide_in_summary() const {
  return kind == Kind::failed_steps || kind == Kind::incomplete_steps;
}

}  // namespace tester
