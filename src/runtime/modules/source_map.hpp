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

 private:
  struct Segment {
    int generated_column;  // 0-based
    int line;              // 0-based
    int column;            // 0-based
  };
  std::vector<std::vector<Segment>> m_lines;
};

}  // namespace runtime
