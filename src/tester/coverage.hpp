#pragma once

// `sbfn test --coverage[=DIR]`, as `deno test --coverage`: each test module's worker hands
// over V8's precise coverage (runtime/coverage.hpp); the project's own modules (local file:
// URLs that are not test modules, outside node_modules and the module cache) are mapped
// from the JavaScript V8 ran back to their source lines through the transpiler's source map
// (Deno's rules, cli/tools/coverage/mod.rs), merged across test modules, and written as
// DIR/lcov.info beside V8's raw data (one <id>.json per script, as Deno writes it), with
// Deno's summary table after the test report.

#include <cstdint>
#include <filesystem>
#include <map>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

namespace tester {

// V8's ScriptCoverage (the inspector protocol's Profiler domain); offsets in UTF-16 units
// of the JavaScript V8 compiled.
struct CoverageRange {
  std::uint32_t start = 0;
  std::uint32_t end = 0;
  std::int64_t count = 0;
};
struct FunctionCoverage {
  std::string name;
  std::vector<CoverageRange> ranges;  // the function's own first, then its blocks
};
struct ScriptCoverage {
  std::string url;
  std::vector<FunctionCoverage> functions;
};

// Profiler.takePreciseCoverage's result array. Throws on JSON that is not one.
std::vector<ScriptCoverage> parse_script_coverages(std::string_view json);

// One source file's lcov record; lines are 1-based source lines.
struct FileCoverage {
  std::string url;
  std::map<int, std::int64_t> lines;  // DA
  struct Function {
    std::string name;
    int line = 0;
    std::int64_t count = 0;
  };
  std::vector<Function> functions;  // FN/FNDA: V8's named functions
  struct Branch {
    int line = 0;
    int block = 0;                      // the function's place in V8's list
    int branch = 0;                     // the arm's place among the arms on its line
    std::optional<std::int64_t> taken;  // nullopt ("-"): the code around it never ran
    bool hit = false;
    // The function's range, the block's range and the arm: what merging matches on.
    std::uint32_t key[5] = {0, 0, 0, 0, 0};
  };
  std::vector<Branch> branches;  // BRDA
};

// `script`'s counts on source lines, as Deno 2.9 computes them. `runtime_code` is the
// JavaScript V8 ran and `source_map` (JSON; empty when the code is the source) maps it back.
// A line has the count of the innermost range that holds all of it, and 0 when a function
// that never ran touches it; with a map, only lines that code maps to appear (several runtime
// lines on one source line: the highest count); without one, every line but blank and
// comment-only ones. A block is a branch arm, with its complement (the else that V8 does not
// report) when it is alone on its line and ran no more often than what encloses it.
FileCoverage map_coverage(const ScriptCoverage& script, std::string_view runtime_code,
                          const std::string& source_map);

// Adds `more`, the same file's coverage from another test module, to `into`.
void merge_coverage(FileCoverage& into, const FileCoverage& more);

// The file's lcov tracefile record, SF (its absolute path) to end_of_record.
std::string lcov_record(const FileCoverage& file);

// Deno's table: `| File | Branch % | Function % | Line % |`, one row per file (its path from
// the files' common folder) and `All files`.
std::string coverage_table(const std::vector<FileCoverage>& files, bool colour);

// Collects what the workers hand over, from any thread.
class CoverageCollector {
 public:
  // `dir` exists (coverage_dir made it); `test_modules` are left out besides the files named
  // as Deno names tests.
  CoverageCollector(std::filesystem::path dir, std::set<std::filesystem::path> test_modules,
                    std::filesystem::path functions_dir);
  // One worker's takePreciseCoverage result: raw files written, the project's files mapped
  // and merged. Problems are printed, never thrown: coverage never fails a test run.
  void add(std::string_view json);
  // The files covered, by URL; writes DIR/lcov.info.
  std::vector<FileCoverage> finish();

  const std::filesystem::path& dir() const { return m_dir; }

 private:
  bool wanted(const std::string& url) const;
  struct Runtime {
    std::string code;
    std::string source_map;
    bool usable = false;
  };
  const Runtime& runtime_of(const std::string& url);

  std::filesystem::path m_dir;
  std::set<std::filesystem::path> m_test_modules;
  std::filesystem::path m_functions_dir;
  std::mutex m_mutex;
  std::map<std::string, Runtime> m_runtime;  // by URL: the code as the loader made it
  std::map<std::string, FileCoverage> m_files;
  std::uint64_t m_raw_count = 0;
};

// DIR made ready for a run: created when missing; an error (util::Error, Deno's words)
// when it is a file or cannot be made. Raw data and lcov.info of an earlier run are removed.
void prepare_coverage_dir(const std::filesystem::path& dir);

}  // namespace tester
