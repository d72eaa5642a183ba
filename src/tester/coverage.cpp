// sbfn test --coverage: V8's block counts on source lines, as Deno's coverage tool puts them
// (cli/tools/coverage/mod.rs: generate_coverage_report, the lcov and summary reporters).
#include "tester/coverage.hpp"

#include "tester/discovery.hpp"
#include "tester/format.hpp"

#include "runtime/modules/module_source.hpp"
#include "runtime/modules/source_map.hpp"
#include "runtime/tools.hpp"
#include "util/error.hpp"
#include "util/files.hpp"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <cstdio>
#include <random>
#include <regex>

namespace fs = std::filesystem;

namespace tester {
namespace {

// The runtime code's lines, in UTF-16 units (V8's offsets) and in bytes.
struct Line {
  std::uint32_t start = 0;  // UTF-16 offset of its first character
  std::uint32_t end = 0;    // UTF-16 offset of its line break (or the end)
  std::size_t byte_start = 0;
  std::size_t byte_end = 0;
};

std::vector<Line> lines_of(std::string_view code) {
  std::vector<Line> lines;
  Line line;
  std::uint32_t offset = 0;
  for (std::size_t i = 0; i < code.size(); ++i) {
    auto c = static_cast<unsigned char>(code[i]);
    if (c == '\n') {
      line.end = offset;
      line.byte_end = i;
      lines.push_back(line);
      line.start = offset + 1;
      line.byte_start = i + 1;
    }
    // UTF-8 lead bytes count one unit (four-byte sequences two); continuation bytes none.
    if ((c & 0xC0) != 0x80) {
      offset += c >= 0xF0 ? 2 : 1;
    }
  }
  line.end = offset;
  line.byte_end = code.size();
  lines.push_back(line);
  return lines;
}

// The line index holding UTF-16 `offset`, and its column in UTF-16 units.
std::pair<int, int> position_of(const std::vector<Line>& lines, std::uint32_t offset) {
  auto it =
      std::upper_bound(lines.begin(), lines.end(), offset,
                       [](std::uint32_t value, const Line& line) { return value < line.start; });
  auto index = it == lines.begin() ? 0 : static_cast<int>(it - lines.begin()) - 1;
  return {index, static_cast<int>(offset - lines[static_cast<std::size_t>(index)].start)};
}

// Byte ranges of the comments in JavaScript `code`. Strings, template literals and regular
// expression literals are stepped over so that what they hold is not taken for a comment.
std::vector<std::pair<std::size_t, std::size_t>> comments_of(std::string_view code) {
  std::vector<std::pair<std::size_t, std::size_t>> out;
  char last = 0;  // the last significant character: decides whether '/' starts a regex
  auto regex_may_follow = [&] {
    return last == 0 ||
           std::string_view("(,=:[!&|?{};+-*%<>~^").find(last) != std::string_view::npos;
  };
  for (std::size_t i = 0; i < code.size(); ++i) {
    char c = code[i];
    if (c == '/' && i + 1 < code.size() && code[i + 1] == '/') {
      auto end = code.find('\n', i);
      end = end == std::string_view::npos ? code.size() : end;
      out.emplace_back(i, end);
      i = end - 1;
      continue;
    }
    if (c == '/' && i + 1 < code.size() && code[i + 1] == '*') {
      auto end = code.find("*/", i + 2);
      end = end == std::string_view::npos ? code.size() : end + 2;
      out.emplace_back(i, end);
      i = end - 1;
      continue;
    }
    if (c == '"' || c == '\'' || c == '`' || (c == '/' && regex_may_follow())) {
      bool in_class = false;
      for (++i; i < code.size(); ++i) {
        if (code[i] == '\\') {
          ++i;
        } else if (c == '/' && code[i] == '[') {
          in_class = true;
        } else if (c == '/' && code[i] == ']') {
          in_class = false;
        } else if (code[i] == c && !in_class) {
          break;
        } else if (c != '`' && code[i] == '\n') {
          break;  // not a literal after all
        }
      }
      last = 'a';
      continue;
    }
    if (c != ' ' && c != '\t' && c != '\n' && c != '\r') {
      last = c;
    }
  }
  return out;
}

bool blank(std::string_view text) {
  return text.find_first_not_of(" \t\r\f\v") == std::string_view::npos;
}

std::string percent(std::size_t hit, std::size_t miss) {
  double value =
      hit + miss == 0 ? 100.0 : 100.0 * static_cast<double>(hit) / static_cast<double>(hit + miss);
  char text[32];
  std::snprintf(text, sizeof text, "%.1f", value);
  return text;
}

// Deno's classes: below 50 % red, below 80 % yellow, else green.
std::string coloured(const Colours& colours, std::size_t hit, std::size_t miss, std::string text) {
  double value =
      hit + miss == 0 ? 100.0 : 100.0 * static_cast<double>(hit) / static_cast<double>(hit + miss);
  return value < 50 ? colours.red(text) : value < 80 ? colours.yellow(text) : colours.green(text);
}

std::string pad_left(const std::string& text, std::size_t width) {
  return text.size() >= width ? text : std::string(width - text.size(), ' ') + text;
}

std::string pad_right(const std::string& text, std::size_t width) {
  return text.size() >= width ? text : text + std::string(width - text.size(), ' ');
}

struct Counts {
  std::size_t line_hit = 0, line_miss = 0, branch_hit = 0, branch_miss = 0, fn_hit = 0, fn_miss = 0;
  void add(const FileCoverage& file) {
    for (const auto& [line, count] : file.lines) {
      (count > 0 ? line_hit : line_miss)++;
    }
    for (const auto& branch : file.branches) {
      (branch.hit ? branch_hit : branch_miss)++;
    }
    for (const auto& function : file.functions) {
      (function.count > 0 ? fn_hit : fn_miss)++;
    }
  }
};

std::string table_row(const Colours& colours, const std::string& name, std::size_t width,
                      const Counts& counts) {
  return "| " + coloured(colours, counts.line_hit, counts.line_miss, pad_right(name, width)) +
         " | " +
         coloured(colours, counts.branch_hit, counts.branch_miss,
                  pad_left(percent(counts.branch_hit, counts.branch_miss), 8)) +
         " | " +
         coloured(colours, counts.fn_hit, counts.fn_miss,
                  pad_left(percent(counts.fn_hit, counts.fn_miss), 10)) +
         " | " +
         coloured(colours, counts.line_hit, counts.line_miss,
                  pad_left(percent(counts.line_hit, counts.line_miss), 6)) +
         " |\n";
}

std::string random_id() {
  // Deno names its raw files by a v4 UUID; so do we (prepare_coverage_dir knows the shape).
  std::random_device device;
  std::mt19937_64 random((static_cast<std::uint64_t>(device()) << 32) | device());
  auto hex = [&](int digits) {
    std::string out;
    for (int i = 0; i < digits; ++i) {
      out += "0123456789abcdef"[random() % 16];
    }
    return out;
  };
  return hex(8) + "-" + hex(4) + "-4" + hex(3) + "-" + "89ab"[random() % 4] + hex(3) + "-" +
         hex(12);
}

}  // namespace

std::vector<ScriptCoverage> parse_script_coverages(std::string_view json) {
  auto doc = nlohmann::json::parse(json);
  std::vector<ScriptCoverage> out;
  for (const auto& script : doc) {
    ScriptCoverage coverage;
    coverage.url = script.value("url", "");
    for (const auto& function : script.at("functions")) {
      FunctionCoverage f;
      f.name = function.value("functionName", "");
      for (const auto& range : function.at("ranges")) {
        f.ranges.push_back({range.at("startOffset").get<std::uint32_t>(),
                            range.at("endOffset").get<std::uint32_t>(),
                            range.at("count").get<std::int64_t>()});
      }
      if (!f.ranges.empty()) {
        coverage.functions.push_back(std::move(f));
      }
    }
    out.push_back(std::move(coverage));
  }
  return out;
}

FileCoverage map_coverage(const ScriptCoverage& script, std::string_view runtime_code,
                          const std::string& source_map) {
  FileCoverage file;
  file.url = script.url;
  auto lines = lines_of(runtime_code);
  std::optional<runtime::SourceMap> map;
  if (!source_map.empty()) {
    map = runtime::SourceMap::parse(source_map);
  }
  // A range's source line: where the map puts the range's start (Deno: lookup_token).
  auto source_line = [&](const CoverageRange& range) {
    auto [line, column] = position_of(lines, range.start);
    if (!map) {
      return line;
    }
    return map->source_line_at(line, column).value_or(0);
  };

  for (const auto& function : script.functions) {
    if (!function.name.empty()) {
      file.functions.push_back(
          {function.name, source_line(function.ranges[0]) + 1, function.ranges[0].count});
    }
  }
  for (std::size_t block = 0; block < script.functions.size(); ++block) {
    const auto& ranges = script.functions[block].ranges;
    auto block_hits = ranges[0].count;
    auto add = [&](const CoverageRange& range, int line, int arm, std::optional<std::int64_t> taken,
                   bool hit) {
      FileCoverage::Branch item;
      item.line = line + 1;
      item.block = static_cast<int>(block);
      item.branch = arm;
      item.taken = taken;
      item.hit = hit;
      item.key[0] = ranges[0].start;
      item.key[1] = ranges[0].end;
      item.key[2] = range.start;
      item.key[3] = range.end;
      item.key[4] = static_cast<std::uint32_t>(arm);
      file.branches.push_back(item);
    };
    // Arms by source line (in line order): several on one line are explicit arms (if and
    // else); one alone is an arm whose complement runs what encloses it minus its count.
    std::map<int, std::vector<std::size_t>> by_line;
    for (std::size_t i = 1; i < ranges.size(); ++i) {
      by_line[source_line(ranges[i])].push_back(i);
    }
    for (const auto& [line, arms] : by_line) {
      if (arms.size() > 1) {
        for (std::size_t arm = 0; arm < arms.size(); ++arm) {
          const auto& range = ranges[arms[arm]];
          add(range, line, static_cast<int>(arm),
              block_hits > 0 ? std::optional(range.count) : std::nullopt, range.count > 0);
        }
        continue;
      }
      const auto& range = ranges[arms[0]];
      // The innermost other range that holds it (a loop body, an outer block, the function).
      std::int64_t enclosing = block_hits;
      std::uint32_t size = UINT32_MAX;
      for (const auto& candidate : ranges) {
        if (&candidate != &range && candidate.start <= range.start && candidate.end >= range.end &&
            candidate.end - candidate.start < size) {
          size = candidate.end - candidate.start;
          enclosing = candidate.count;
        }
      }
      auto taken = enclosing > 0 ? std::optional(range.count) : std::nullopt;
      if (range.count > enclosing) {
        add(range, line, 0, taken, range.count > 0);  // a loop body, not an arm
        continue;
      }
      add(range, line, 0, taken, range.count > 0);
      auto complement = enclosing > 0 ? std::optional(enclosing - range.count) : std::nullopt;
      add(range, line, 1, complement, complement.value_or(0) > 0);
    }
  }

  // Each runtime line's count; blank and comment-only lines count 1 (never "missed").
  auto comments = comments_of(runtime_code);
  std::vector<std::int64_t> counts(lines.size(), 0);
  std::vector<bool> code_lines(lines.size(), false);
  for (std::size_t index = 0; index < lines.size(); ++index) {
    const auto& line = lines[index];
    auto text = runtime_code.substr(line.byte_start, line.byte_end - line.byte_start);
    bool ignore = blank(text) || std::any_of(comments.begin(), comments.end(), [&](auto& c) {
                    return c.first <= line.byte_start && c.second >= line.byte_end;
                  });
    if (ignore) {
      counts[index] = 1;
      continue;
    }
    code_lines[index] = true;
    // Deno 2.9's rule (checked against deno test --coverage 2.9.6): the innermost range that
    // holds the whole line gives its count, and a function that never ran zeroes every line
    // it touches. A block that never ran zeroes only the lines it holds whole (it is their
    // innermost range), not the line it starts or ends on (`if (x) {`, `a?.b && c`).
    std::int64_t count = 0;
    std::uint32_t innermost = UINT32_MAX;
    for (const auto& function : script.functions) {
      for (const auto& range : function.ranges) {
        if (range.start <= line.start && range.end >= line.end &&
            range.end - range.start < innermost) {
          innermost = range.end - range.start;
          count = range.count;
        }
      }
    }
    for (const auto& function : script.functions) {
      const auto& root = function.ranges[0];
      if (root.count == 0 && root.start < line.end && root.end > line.start) {
        count = 0;
      }
    }
    counts[index] = count;
  }

  if (!map) {
    // No map: the code is the source. Lines that hold no code are left out.
    for (std::size_t index = 0; index < lines.size(); ++index) {
      if (code_lines[index]) {
        file.lines[static_cast<int>(index) + 1] = counts[index];
      }
    }
    return file;
  }
  // Through the map: every source line a runtime line's mappings point at gets that line's
  // count (the highest, when several runtime lines map there), except mappings that point at
  // nothing or at a comment.
  for (std::size_t index = 0; index < lines.size(); ++index) {
    const auto& line = lines[index];
    auto text = runtime_code.substr(line.byte_start, line.byte_end - line.byte_start);
    std::set<int> sources;
    for (const auto& mapping : map->mappings_on_line(static_cast<int>(index))) {
      auto column = static_cast<std::size_t>(mapping.generated_column);
      if (column >= text.size()) {
        continue;
      }
      auto head = text.substr(column, 2);
      if (head == "/*" || head == "*/" || head == "//") {
        continue;
      }
      sources.insert(mapping.source_line);
    }
    for (int source : sources) {
      auto [at, added] = file.lines.try_emplace(source + 1, counts[index]);
      if (!added) {
        at->second = std::max(at->second, counts[index]);
      }
    }
  }
  return file;
}

void merge_coverage(FileCoverage& into, const FileCoverage& more) {
  for (const auto& [line, count] : more.lines) {
    into.lines[line] += count;
  }
  for (const auto& function : more.functions) {
    auto found = std::find_if(into.functions.begin(), into.functions.end(), [&](auto& f) {
      return f.name == function.name && f.line == function.line;
    });
    if (found == into.functions.end()) {
      into.functions.push_back(function);
    } else {
      found->count += function.count;
    }
  }
  for (const auto& branch : more.branches) {
    auto found = std::find_if(into.branches.begin(), into.branches.end(), [&](auto& b) {
      return std::equal(std::begin(b.key), std::end(b.key), std::begin(branch.key));
    });
    if (found == into.branches.end()) {
      into.branches.push_back(branch);
    } else {
      if (branch.taken) {
        found->taken = found->taken.value_or(0) + *branch.taken;
      }
      found->hit = found->hit || branch.hit;
    }
  }
}

std::string lcov_record(const FileCoverage& file) {
  std::string out = "SF:" + runtime::file_url_to_path(file.url) + "\n";
  for (const auto& function : file.functions) {
    out += "FN:" + std::to_string(function.line) + "," + function.name + "\n";
  }
  std::size_t functions_hit = 0;
  for (const auto& function : file.functions) {
    out += "FNDA:" + std::to_string(function.count) + "," + function.name + "\n";
    functions_hit += function.count > 0 ? 1 : 0;
  }
  out += "FNF:" + std::to_string(file.functions.size()) + "\n";
  out += "FNH:" + std::to_string(functions_hit) + "\n";
  std::size_t branches_hit = 0;
  for (const auto& branch : file.branches) {
    out += "BRDA:" + std::to_string(branch.line) + "," + std::to_string(branch.block) + "," +
           std::to_string(branch.branch) + "," +
           (branch.taken ? std::to_string(*branch.taken) : std::string("-")) + "\n";
    branches_hit += branch.hit ? 1 : 0;
  }
  out += "BRF:" + std::to_string(file.branches.size()) + "\n";
  out += "BRH:" + std::to_string(branches_hit) + "\n";
  std::size_t lines_hit = 0;
  for (const auto& [line, count] : file.lines) {
    out += "DA:" + std::to_string(line) + "," + std::to_string(count) + "\n";
    lines_hit += count != 0 ? 1 : 0;
  }
  out += "LH:" + std::to_string(lines_hit) + "\n";
  out += "LF:" + std::to_string(file.lines.size()) + "\n";
  out += "end_of_record\n";
  return out;
}

std::string coverage_table(const std::vector<FileCoverage>& files, bool colour) {
  if (files.empty()) {
    return {};
  }
  // Names are paths from the files' common folder (Deno's find_root: the URLs' common
  // prefix up to its last '/').
  std::string root = files.front().url;
  for (const auto& file : files) {
    std::size_t n = 0;
    while (n < root.size() && n < file.url.size() && root[n] == file.url[n]) {
      ++n;
    }
    root.resize(n);
  }
  root.resize(root.rfind('/') + 1);
  std::vector<std::pair<std::string, Counts>> rows;
  Counts all;
  for (const auto& file : files) {
    Counts counts;
    counts.add(file);
    all.add(file);
    rows.emplace_back(runtime::file_url_to_path(file.url).substr(
                          runtime::file_url_to_path(root + "x").size() - 1),
                      counts);
  }
  std::sort(rows.begin(), rows.end(), [](auto& a, auto& b) { return a.first < b.first; });
  std::size_t width = std::string_view("All files").size();
  for (const auto& row : rows) {
    width = std::max(width, row.first.size());
  }
  Colours colours{colour};
  std::string out = "| " + pad_right("File", width) + " | Branch % | Function % | Line % |\n";
  out += "| " + std::string(width, '-') + " | " + std::string(8, '-') + " | " +
         std::string(10, '-') + " | " + std::string(6, '-') + " |\n";
  for (const auto& [name, counts] : rows) {
    out += table_row(colours, name, width, counts);
  }
  out += table_row(colours, "All files", width, all);
  return out;
}

CoverageCollector::CoverageCollector(fs::path dir, std::set<fs::path> test_modules,
                                     fs::path functions_dir)
    : m_dir(std::move(dir)),
      m_test_modules(std::move(test_modules)),
      m_functions_dir(std::move(functions_dir)) {}

bool CoverageCollector::wanted(const std::string& url) const {
  if (!url.starts_with("file://")) {
    return false;  // the runtime's own scripts, node: built-ins, remote and npm modules
  }
  fs::path path = runtime::file_url_to_path(url);
  auto type = runtime::media_type_of(url);
  if (type != runtime::MediaType::javascript && type != runtime::MediaType::jsx &&
      type != runtime::MediaType::typescript && type != runtime::MediaType::tsx) {
    return false;  // CommonJS runs wrapped: its offsets are not the transpiled file's
  }
  auto text = path.string();
  return !m_test_modules.count(path) && !is_test_module(path, m_functions_dir) &&
         text.find("/node_modules/") == std::string::npos &&
         !util::is_under(util::cache_dir(), path);
}

const CoverageCollector::Runtime& CoverageCollector::runtime_of(const std::string& url) {
  auto found = m_runtime.find(url);
  if (found != m_runtime.end()) {
    return found->second;
  }
  Runtime runtime;
  try {
    // The loader's own steps (the transpile cache makes them cheap): the same code, so the
    // same offsets.
    auto source = util::read_file(runtime::file_url_to_path(url));
    auto type = runtime::media_type_of(url);
    runtime.code = runtime::transpile_module(url, source, type);
    runtime.source_map = runtime::transpiled_source_map(url, source, type);
    runtime.usable = true;
  } catch (const std::exception& error) {
    std::fprintf(stderr, "warning: coverage of %s left out: %s\n", url.c_str(), error.what());
  }
  return m_runtime.emplace(url, std::move(runtime)).first->second;
}

void CoverageCollector::add(std::string_view json) {
  std::vector<ScriptCoverage> scripts;
  try {
    scripts = parse_script_coverages(json);
  } catch (const std::exception& error) {
    std::fprintf(stderr, "warning: coverage data left out: %s\n", error.what());
    return;
  }
  // Written back in V8's key order, as Deno writes it.
  auto all = nlohmann::ordered_json::parse(json, nullptr, false);
  std::lock_guard lock(m_mutex);
  std::size_t index = 0;
  for (const auto& script : scripts) {
    const auto& raw = all[index++];
    if (!script.url.starts_with("file://")) {
      continue;
    }
    // V8's data as Deno keeps it: one file per script of the project (test files too).
    try {
      util::write_file_atomic(m_dir / (random_id() + ".json"), raw.dump(2) + "\n");
      ++m_raw_count;
    } catch (const std::exception& error) {
      std::fprintf(stderr, "warning: %s\n", error.what());
    }
    if (!wanted(script.url)) {
      continue;
    }
    const auto& runtime = runtime_of(script.url);
    if (!runtime.usable) {
      continue;
    }
    auto file = map_coverage(script, runtime.code, runtime.source_map);
    auto [at, added] = m_files.try_emplace(script.url, file);
    if (!added) {
      merge_coverage(at->second, file);
    }
  }
}

std::vector<FileCoverage> CoverageCollector::finish() {
  std::lock_guard lock(m_mutex);
  std::vector<FileCoverage> files;
  std::string lcov;
  for (const auto& [url, file] : m_files) {
    if (file.lines.empty()) {
      continue;  // nothing that runs (types only): Deno leaves it out
    }
    lcov += lcov_record(file);
    files.push_back(file);
  }
  util::write_file_atomic(m_dir / "lcov.info", lcov);
  return files;
}

void prepare_coverage_dir(const fs::path& dir) {
  std::error_code error;
  if (fs::exists(dir, error) && !fs::is_directory(dir, error)) {
    throw util::Error("Failed creating: " + dir.string() + ": it is a file, not a folder");
  }
  fs::create_directories(dir, error);
  if (error) {
    throw util::Error("Failed creating: " + dir.string() + ": " + error.message());
  }
  // What an earlier run left: its raw files (named as random_id names them) and report.
  static const std::regex raw(
      "[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\\.json");
  for (const auto& entry : fs::directory_iterator(dir, error)) {
    auto name = entry.path().filename().string();
    if (entry.is_regular_file() && (std::regex_match(name, raw) || name == "lcov.info")) {
      fs::remove(entry.path(), error);
    }
  }
}

}  // namespace tester
