// SourceMap: version-3 maps decoded as the spec (and every browser) reads them, and a map
// that cannot be used maps nothing rather than something wrong.
#include "runtime/modules/source_map.hpp"

#include <doctest/doctest.h>

namespace {

// Positions out of SourceMap are 1-based; the mappings below are 0-based, as in the spec.
void check_maps(const runtime::SourceMap& map, int line, int column, int want_line,
                int want_column) {
  auto got = map.original(line, column);
  INFO("generated " << line << ":" << column);
  REQUIRE(got.has_value());
  CHECK(got->line == want_line);
  CHECK(got->column == want_column);
}

}  // namespace

TEST_CASE("runtime::SourceMap decodes VLQ segments, relative across segments and lines") {
  // Line 1: col 0 -> src 0:0, col 4 -> src 0:4 ("IAAI": +4 gen, +0 src, +0 line, +4 col).
  // Line 2: empty.  Line 3: col 2 -> src line 2 col 0 ("EAEJ": +2 gen, +2 lines, -4 col).
  // Line 4: col 0 -> src 10:6 ("AAQM": +8 lines, +6 col); a 5-field segment names a symbol.
  auto map = runtime::SourceMap::parse(
      R"({"version":3,"sources":["a.ts"],"names":["x"],"mappings":"AAAA,IAAI;;EAEJ;AAQMA"})");
  check_maps(map, 1, 1, 1, 1);
  check_maps(map, 1, 5, 1, 5);
  // Between segments the offset from the segment before carries over: sucrase's maps
  // mark only some tokens, and keep the columns between them aligned.
  check_maps(map, 1, 9, 1, 9);
  check_maps(map, 3, 3, 3, 1);
  check_maps(map, 4, 1, 11, 7);
  CHECK_FALSE(map.original(2, 1).has_value());   // a line with no segments
  check_maps(map, 3, 1, 3, 1);                   // before its line's first segment: that segment
  CHECK_FALSE(map.original(40, 1).has_value());  // past the last line
}

TEST_CASE("runtime::SourceMap decodes multi-digit and negative VLQ values") {
  // "2B" = 27, "4B" = 28 (continuation bit set on the first digit); "D" = -1.
  auto map = runtime::SourceMap::parse(
      R"({"version":3,"sources":["a.ts"],"names":[],"mappings":"2BAA4B,CAAD"})");
  check_maps(map, 1, 28, 1, 29);
  check_maps(map, 1, 29, 1, 28);  // "CAAD": +1 gen, -1 col
}

TEST_CASE("runtime::SourceMap maps nothing from a map it cannot use") {
  for (const char* json :
       {"", "not json", "[]", R"({"version":3})", R"({"version":3,"mappings":42})",
        R"({"version":3,"sources":["a.ts"],"mappings":"!!!!"})"}) {
    INFO(json);
    auto map = runtime::SourceMap::parse(json);
    CHECK_FALSE(map.original(1, 1).has_value());
  }
}
