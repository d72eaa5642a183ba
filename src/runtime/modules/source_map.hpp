#pragma once

#include <optional>
#include <string>
#include <vector>

namespace runtime {

// A decoded source map (version 3), answering "where did this generated position come
// from" for stack traces. Only the first source is used: our maps are one file each.
class SourceMap {
 public:
  // Parses `json`; an unusable map yields an empty SourceMap that maps nothing.
  static SourceMap parse(const std::string& json);

  struct Position {
    int line;    // 1-based
    int column;  // 1-based
  };
  std::optional<Position> original(int line, int column) const;

  // For coverage (0-based lines and columns, as the map's own numbers):
  struct Mapping {
    int generated_column;
    int source_line;
  };
  // Every mapping that starts on generated `line`, in column order.
  std::vector<Mapping> mappings_on_line(int line) const;
  // The source line of the last mapping at or before generated (`line`, `column`), looking
  // back over earlier lines too (the sourcemap crate's lookup_token); nullopt if none.
  std::optional<int> source_line_at(int line, int column) const;

 private:
  struct Segment {
    int generated_column;  // 0-based
    int line;              // 0-based
    int column;            // 0-based
  };
  std::vector<std::vector<Segment>> m_lines;
};

}  // namespace runtime
