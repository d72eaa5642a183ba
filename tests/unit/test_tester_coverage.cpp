// sbfn test --coverage's arithmetic (tester/coverage.hpp): V8's ranges on lines as Deno puts
// them, through a source map or without one, merged across modules, and the lcov record and
// summary table in Deno's format. tester.coverage runs the whole thing against V8 and lcov.
#include "tester/coverage.hpp"

#include <doctest/doctest.h>

namespace {

using tester::CoverageRange;
using tester::FunctionCoverage;
using tester::ScriptCoverage;

// function f(a) { if (a) {...} return 2; } f(false);  -- the if block never ran.
const char* k_plain =
    "// c\nfunction f(a) {\n  if (a) {\n    return 1;\n  }\n  return 2;\n}\n\nf(false);\n";

ScriptCoverage plain_script() {
  return {"file:///p/plain.js",
          {FunctionCoverage{"", {CoverageRange{0, 75, 1}}},
           FunctionCoverage{"f", {CoverageRange{5, 63, 1}, CoverageRange{31, 49, 0}}}}};
}

}  // namespace

TEST_CASE("tester::map_coverage: without a map, code lines count the ranges that hold them") {
  auto file = tester::map_coverage(plain_script(), k_plain, "");
  // Line 1 is a comment and 8 and 10 are blank: no DA. Each line has its innermost range's
  // count (f's for 2-7, the script's for 9); line 3 ends where the block starts, 4 and 5 lie
  // in the block that never ran.
  std::map<int, std::int64_t> want{{2, 1}, {3, 1}, {4, 0}, {5, 0}, {6, 1}, {7, 1}, {9, 1}};
  CHECK(file.lines == want);
  REQUIRE(file.functions.size() == 1);
  CHECK(file.functions[0].name == "f");
  CHECK(file.functions[0].line == 2);
  CHECK(file.functions[0].count == 1);
  // The block alone on its line is an arm; its complement ran f's count minus its own.
  REQUIRE(file.branches.size() == 2);
  CHECK(file.branches[0].line == 3);
  CHECK(file.branches[0].block == 1);
  CHECK(file.branches[0].branch == 0);
  CHECK(file.branches[0].taken == 0);
  CHECK(!file.branches[0].hit);
  CHECK(file.branches[1].branch == 1);
  CHECK(file.branches[1].taken == 1);
  CHECK(file.branches[1].hit);
}

TEST_CASE("tester::map_coverage: through a source map, on the lines the code came from") {
  // Runtime lines 1-4 come from source lines 3, 5, 6, 7 (types and comments removed).
  std::string code = "const a = 1;\nfunction g() {\n  return a;\n}\n";
  ScriptCoverage script{"file:///p/g.ts",
                        {FunctionCoverage{"", {CoverageRange{0, 42, 1}}},
                         FunctionCoverage{"g", {CoverageRange{13, 41, 0}}}}};
  auto file = tester::map_coverage(
      script, code, R"({"version":3,"sources":["g.ts"],"mappings":"AAEA;AAEA;AACA;AACA"})");
  std::map<int, std::int64_t> want{{3, 1}, {5, 0}, {6, 0}, {7, 0}};
  CHECK(file.lines == want);
  REQUIRE(file.functions.size() == 1);
  CHECK(file.functions[0].line == 5);
  CHECK(file.functions[0].count == 0);
}

TEST_CASE("tester::merge_coverage adds counts and numbers blocks again") {
  auto one = tester::map_coverage(plain_script(), k_plain, "");
  auto script = plain_script();
  script.functions[1].ranges[0].count = 2;
  script.functions[1].ranges[1].count = 1;  // the other module took the branch
  auto two = tester::map_coverage(script, k_plain, "");
  tester::merge_coverage(one, two);
  CHECK(one.lines.at(4) == 1);  // 0 here, the block's 1 there
  CHECK(one.lines.at(2) == 3);
  CHECK(one.functions.at(0).count == 3);
  REQUIRE(one.branches.size() == 2);
  CHECK(one.branches[0].taken == 1);
  CHECK(one.branches[0].hit);
  CHECK(one.branches[1].taken == 2);  // 1 - 0 here, 2 - 1 there
}

TEST_CASE("tester::lcov_record and coverage_table in Deno's format") {
  auto file = tester::map_coverage(plain_script(), k_plain, "");
  CHECK(tester::lcov_record(file) ==
        "SF:/p/plain.js\nFN:2,f\nFNDA:1,f\nFNF:1\nFNH:1\nBRDA:3,1,0,0\nBRDA:3,1,1,1\nBRF:2\n"
        "BRH:1\nDA:2,1\nDA:3,1\nDA:4,0\nDA:5,0\nDA:6,1\nDA:7,1\nDA:9,1\nLH:5\nLF:7\n"
        "end_of_record\n");
  CHECK(tester::coverage_table({file}, false) ==
        "| File      | Branch % | Function % | Line % |\n"
        "| --------- | -------- | ---------- | ------ |\n"
        "| plain.js  |     50.0 |      100.0 |   71.4 |\n"
        "| All files |     50.0 |      100.0 |   71.4 |\n");
}
