#include "util/files.hpp"

#include <doctest/doctest.h>

TEST_SUITE_BEGIN("util");

TEST_CASE("util::is_under compares whole path elements") {
  CHECK(util::is_under("/a/fn", "/a/fn/index.ts"));
  CHECK(util::is_under("/a/fn", "/a/fn"));
  CHECK_FALSE(util::is_under("/a/fn", "/a/fn-other/index.ts"));  // not a string prefix test
  CHECK_FALSE(util::is_under("/a/fn", "/a/_shared/cors.ts"));
  CHECK_FALSE(util::is_under("/a/fn/deeper", "/a/fn"));
}

TEST_CASE("util::is_within resolves .. before comparing") {
  auto root = std::filesystem::temp_directory_path() / "sbfn-is-within";
  std::filesystem::create_directories(root / "fn");
  CHECK(util::is_within(root / "fn", root / "fn" / "data.txt"));
  CHECK_FALSE(util::is_within(root / "fn", root / "fn" / ".." / "secret.txt"));
  std::filesystem::remove_all(root);
}

TEST_SUITE_END();
