#include "support/temp_dir.hpp"

#include "util/checked_file.hpp"
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

TEST_CASE("util::read_checked_file reads what write_checked_file wrote, and no damaged file") {
  test_support::TempDir dir;
  auto path = dir.path / "entry.js";
  util::write_checked_file(path, "export const a = 1;\n");
  CHECK(util::read_checked_file(path) == "export const a = 1;\n");
  util::write_checked_file(path, "");
  CHECK(util::read_checked_file(path) == "");
  auto whole = util::read_file(path);
  util::write_file_atomic(path, whole.substr(0, whole.size() / 2));  // truncated
  CHECK_FALSE(util::read_checked_file(path));
  util::write_checked_file(path, "export const a = 1;\n");
  whole = util::read_file(path);
  whole[3] = 'X';  // damaged in place
  util::write_file_atomic(path, whole);
  CHECK_FALSE(util::read_checked_file(path));
  util::write_file_atomic(path, "export const a = 1;\n");  // no checksum line
  CHECK_FALSE(util::read_checked_file(path));
  CHECK_FALSE(util::read_checked_file(dir.path / "missing.js"));
}

TEST_CASE("util::write_file_atomic leaves no temporary file when it fails") {
  test_support::TempDir dir;
  std::filesystem::create_directories(dir.path / "target.txt");  // rename(2) onto a folder fails
  CHECK_THROWS_AS(util::write_file_atomic(dir.path / "target.txt", "x"), util::WriteError);
  CHECK(std::distance(std::filesystem::directory_iterator(dir.path),
                      std::filesystem::directory_iterator()) == 1);
}

TEST_SUITE_END();
