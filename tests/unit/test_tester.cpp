// sbfn test's pieces: Deno's durations, paths and error format, Deno's --shuffle order,
// discovery, and the pretty reporter on a terminal against what deno test 2.9.6 printed.
#include "support/temp_dir.hpp"
#include "tester/discovery.hpp"
#include "tester/events.hpp"
#include "tester/format.hpp"
#include "tester/module_order.hpp"
#include "tester/reporter.hpp"

#include <doctest/doctest.h>

#include <fstream>

namespace fs = std::filesystem;

namespace {

class StringOutput : public tester::Output {
 public:
  void write(std::string_view text) override { text_ += text; }
  std::string text_;
};

void touch(const fs::path& path) {
  fs::create_directories(path.parent_path());
  std::ofstream(path) << "Deno.test(\"t\", () => {});\n";
}

}  // namespace

TEST_SUITE_BEGIN("tester");

TEST_CASE("tester::human_elapsed is Deno 2.9's") {
  using namespace std::chrono;
  CHECK(tester::human_elapsed(nanoseconds(0)) == "0ms");
  CHECK(tester::human_elapsed(nanoseconds(123)) == "123ns");
  CHECK(tester::human_elapsed(microseconds(606)) == "606µs");
  CHECK(tester::human_elapsed(microseconds(3'400)) == "3ms");
  CHECK(tester::human_elapsed(milliseconds(2'999)) == "2s");
  CHECK(tester::human_elapsed(seconds(65)) == "1m5s");
  CHECK(tester::test_elapsed(0.75) == "750µs");
  CHECK(tester::step_elapsed(0.75) == "0ms");  // steps in whole ms (Date.now in Deno)
}

TEST_CASE("tester::relative_url names modules as Deno does") {
  CHECK(tester::relative_url("file:///proj/a_test.ts", "file:///proj") == "./a_test.ts");
  CHECK(tester::relative_url("file:///proj/sub/a_test.ts", "file:///proj/") == "./sub/a_test.ts");
  CHECK(tester::relative_url("file:///other/a_test.ts", "file:///proj/x") ==
        "../../other/a_test.ts");
  CHECK(tester::relative_url("https://x.test/a.ts", "file:///proj") == "https://x.test/a.ts");
}

TEST_CASE("tester::format_test_error: source line, caret (tabs kept), cause, aggregated") {
  tester::JsError error;
  error.message = "Error: outer";
  error.source_line = "\tthrow new Error(\"outer\");";
  error.source_column = 8;
  error.frames.push_back({false, std::string("helper"), std::string("file:///p/a.ts:1:8")});
  error.frames.push_back({true, std::nullopt, std::string("file:///p/a.ts:9:3")});
  error.cause = std::make_shared<tester::JsError>();
  error.cause->message = "TypeError: inner";
  error.cause->frames.push_back({false, std::nullopt, std::string("file:///p/a.ts:2:1")});
  tester::JsError one;
  one.message = "RangeError: one";
  error.aggregated.push_back(one);
  CHECK(tester::format_test_error(error, tester::Colours{false}) ==
        "Error: outer\n"
        "    RangeError: one\n"
        "\tthrow new Error(\"outer\");\n"
        "\t      ^\n"
        "    at helper (file:///p/a.ts:1:8)\n"
        "    at async file:///p/a.ts:9:3\n"
        "Caused by: TypeError: inner\n"
        "    at file:///p/a.ts:2:1");
}

TEST_CASE("tester::shuffle_modules orders as deno test --shuffle=42 does") {
  // deno test 2.9.6 --shuffle=42 over f01_test.ts .. f12_test.ts
  std::vector<std::string> files;
  for (int i = 12; i >= 1; --i) {  // any order: they are sorted first
    files.push_back((i < 10 ? "f0" : "f") + std::to_string(i) + "_test.ts");
  }
  tester::shuffle_modules(files, 42, [](const std::string& s) { return s; });
  CHECK(files == std::vector<std::string>{"f03_test.ts", "f05_test.ts", "f06_test.ts",
                                          "f11_test.ts", "f10_test.ts", "f07_test.ts",
                                          "f09_test.ts", "f01_test.ts", "f02_test.ts",
                                          "f08_test.ts", "f12_test.ts", "f04_test.ts"});
}

TEST_CASE("tester::find_test_modules: Deno's names, Supabase's tests folder, args, globs") {
  test_support::TempDir dir("sbfn-discovery");
  auto root = dir.path;
  for (const char* file :
       {"a_test.ts", "b.test.js", "test.mjs", "lib/__tests__/util.ts", "lib/helper.ts",
        "node_modules/x/z_test.ts", ".hidden/h_test.ts", "supabase/functions/tests/hello-test.ts",
        "supabase/functions/hello/index.ts", "other/x-test.ts", "notes_test.md"}) {
    touch(root / file);
  }
  auto functions = root / "supabase/functions";
  auto names = [&](const std::vector<fs::path>& paths) {
    std::vector<std::string> out;
    for (const auto& path : paths) {
      out.push_back(path.lexically_relative(root).string());
    }
    return out;
  };
  CHECK(names(tester::find_test_modules({{}, root, functions})) ==
        std::vector<std::string>{"a_test.ts", "b.test.js", "lib/__tests__/util.ts",
                                 "supabase/functions/tests/hello-test.ts", "test.mjs"});
  // A file named on the command line always runs; a folder is searched; a glob matches
  // every script.
  CHECK(names(tester::find_test_modules(
            {{"lib/helper.ts", "supabase", "lib/*.ts"}, root, functions})) ==
        std::vector<std::string>{"lib/helper.ts", "supabase/functions/tests/hello-test.ts"});
  CHECK(names(tester::find_test_modules({{"**/*-test.ts"}, root, functions})) ==
        std::vector<std::string>{"other/x-test.ts", "supabase/functions/tests/hello-test.ts"});
  CHECK_THROWS_WITH(tester::find_test_modules({{"missing_test.ts"}, root, functions}),
                    doctest::Contains("missing_test.ts' failed, not found."));
}

TEST_CASE("tester::pretty reporter on a terminal prints what deno test 2.9.6 printed") {
  // deno test fail_test.ts under a pseudo-terminal (its runner's ext: frames left out).
  const std::string expected =
      "\x1b[0m\x1b[38;5;245mrunning 3 tests from ./fail_test.ts\x1b[0m\n"
      "good ...\rgood ... \x1b[0m\x1b[32mok\x1b[0m \x1b[0m\x1b[38;5;245m(750µs)\x1b[0m\n"
      "bad equality ...\rbad equality ... \x1b[0m\x1b[31mFAILED\x1b[0m "
      "\x1b[0m\x1b[38;5;245m(1ms)\x1b[0m\n"
      "step failure ...\n"
      "  inner ok ...\r  inner ok ... \x1b[0m\x1b[32mok\x1b[0m \x1b[0m\x1b[38;5;245m(0ms)\x1b[0m\n"
      "  inner bad ...\r  inner bad ... \x1b[0m\x1b[31mFAILED\x1b[0m "
      "\x1b[0m\x1b[38;5;245m(0ms)\x1b[0m\n"
      "step failure ... \x1b[0m\x1b[31mFAILED\x1b[0m (due to 1 failed step) "
      "\x1b[0m\x1b[38;5;245m(2ms)\x1b[0m\n"
      "\n"
      "\x1b[0m\x1b[1m\x1b[37m\x1b[41m ERRORS \x1b[0m\n"
      "\n"
      "bad equality \x1b[0m\x1b[38;5;245m=> ./fail_test.ts:2:6\x1b[0m\n"
      "\x1b[0m\x1b[1m\x1b[31merror\x1b[0m: Error: expected 1 to equal 2\n"
      "  throw new Error(\"expected 1 to equal 2\");\n"
      "\x1b[0m\x1b[31m        ^\x1b[0m\n"
      "    at "
      "\x1b[0m\x1b[2m\x1b[38;5;245mfile:///proj/"
      "\x1b[0m\x1b[0m\x1b[36mfail_test.ts\x1b[0m:\x1b[0m\x1b[33m3\x1b[0m:\x1b[0m\x1b[33m9\x1b[0m\n"
      "\n"
      "step failure ... inner bad \x1b[0m\x1b[38;5;245m=> ./fail_test.ts:7:11\x1b[0m\n"
      "\x1b[0m\x1b[1m\x1b[31merror\x1b[0m: TypeError: boom\n"
      "  await t.step(\"inner bad\", () => { throw new TypeError(\"boom\"); });\n"
      "\x1b[0m\x1b[31m                                          ^\x1b[0m\n"
      "    at "
      "\x1b[0m\x1b[2m\x1b[38;5;245mfile:///proj/"
      "\x1b[0m\x1b[0m\x1b[36mfail_test.ts\x1b[0m:\x1b[0m\x1b[33m7\x1b[0m:\x1b[0m\x1b[33m43\x1b[0m\n"
      "    at "
      "\x1b[0m\x1b[2m\x1b[38;5;245mfile:///proj/"
      "\x1b[0m\x1b[0m\x1b[36mfail_test.ts\x1b[0m:\x1b[0m\x1b[33m7\x1b[0m:\x1b[0m\x1b[33m11\x1b[0m\n"
      "\n"
      "\x1b[0m\x1b[1m\x1b[37m\x1b[41m FAILURES \x1b[0m\n"
      "\n"
      "bad equality \x1b[0m\x1b[38;5;245m=> ./fail_test.ts:2:6\x1b[0m\n"
      "step failure ... inner bad \x1b[0m\x1b[38;5;245m=> ./fail_test.ts:7:11\x1b[0m\n"
      "\n"
      "\x1b[0m\x1b[31mFAILED\x1b[0m | 1 passed (1 step) | 2 failed (1 step) "
      "\x1b[0m\x1b[38;5;245m(22ms)\x1b[0m\n"
      "\n";
  auto output = std::make_shared<StringOutput>();
  tester::ReporterOptions options;
  options.cwd_url = "file:///proj";
  options.colour = true;
  options.terminal = true;
  options.output = output;
  auto reporter = tester::make_pretty_reporter(options);
  tester::Registry registry;
  auto event = [&](const std::string& json) {
    auto parsed = tester::parse_event(json, 0);
    switch (parsed.kind) {
      case tester::TestEvent::Kind::plan:
        for (const auto& test : parsed.plan.tests) {
          registry.tests[test.id] = test;
        }
        reporter->report_plan(parsed.plan);
        break;
      case tester::TestEvent::Kind::wait:
        reporter->report_wait(registry.tests.at(parsed.id));
        break;
      case tester::TestEvent::Kind::result:
        reporter->report_result(registry.tests.at(parsed.id), parsed.result, parsed.elapsed_ms);
        break;
      case tester::TestEvent::Kind::step_register:
        registry.steps[parsed.step.id] = parsed.step;
        reporter->report_step_register(parsed.step);
        break;
      case tester::TestEvent::Kind::step_wait:
        reporter->report_step_wait(registry.steps.at(parsed.id));
        break;
      case tester::TestEvent::Kind::step_result:
        reporter->report_step_result(registry.steps.at(parsed.id), parsed.result, parsed.elapsed_ms,
                                     registry);
        break;
      default:
        break;
    }
  };
  const std::string at =
      R"("origin":"file:///proj/fail_test.ts","location":{"fileName":"file:///proj/fail_test.ts",)";
  event(
      R"({"kind":"plan","origin":"file:///proj/fail_test.ts","total":3,"filteredOut":0,"usedOnly":false,"tests":[)"
      R"({"id":1,"name":"good",)" +
      at +
      R"("lineNumber":1,"columnNumber":6}},)"
      R"({"id":2,"name":"bad equality",)" +
      at +
      R"("lineNumber":2,"columnNumber":6}},)"
      R"({"id":3,"name":"step failure",)" +
      at + R"("lineNumber":5,"columnNumber":6}}]})");
  event(R"({"kind":"wait","id":1})");
  event(R"({"kind":"result","id":1,"result":"ok","elapsed":0.75})");
  event(R"({"kind":"wait","id":2})");
  event(
      R"({"kind":"result","id":2,"elapsed":1.2,"result":{"failed":{"jsError":{"message":"Error: expected 1 to equal 2",)"
      R"("frames":[{"async":false,"name":null,"location":"file:///proj/fail_test.ts:3:9"}],)"
      R"("sourceLine":"  throw new Error(\"expected 1 to equal 2\");","sourceColumn":9}}}})");
  event(R"({"kind":"wait","id":3})");
  event(
      R"({"kind":"stepRegister","step":{"id":4,"name":"inner ok",)" + at +
      R"("lineNumber":6,"columnNumber":11},"level":1,"parentId":3,"rootId":3,"rootName":"step failure"}})");
  event(R"({"kind":"stepWait","id":4})");
  event(R"({"kind":"stepResult","id":4,"result":"ok","elapsed":0.2})");
  event(
      R"({"kind":"stepRegister","step":{"id":5,"name":"inner bad",)" + at +
      R"("lineNumber":7,"columnNumber":11},"level":1,"parentId":3,"rootId":3,"rootName":"step failure"}})");
  event(R"({"kind":"stepWait","id":5})");
  event(
      R"({"kind":"stepResult","id":5,"elapsed":0.3,"result":{"failed":{"jsError":{"message":"TypeError: boom",)"
      R"("frames":[{"async":false,"name":null,"location":"file:///proj/fail_test.ts:7:43"},)"
      R"({"async":false,"name":null,"location":"file:///proj/fail_test.ts:7:11"}],)"
      R"("sourceLine":"  await t.step(\"inner bad\", () => { throw new TypeError(\"boom\"); });","sourceColumn":43}}}})");
  event(R"({"kind":"result","id":3,"elapsed":2.5,"result":{"failed":{"failedSteps":1}}})");
  reporter->report_summary(std::chrono::milliseconds(22), registry);
  CHECK(output->text_ == expected);
}

TEST_SUITE_END();
