// config.toml's static_files globs: `*` within a folder, `**` at any depth, typos named.
#include "project/static_files.hpp"

#include "util/files.hpp"

#include <doctest/doctest.h>
#include <unistd.h>

namespace fs = std::filesystem;

TEST_CASE("project::expand_static_files expands *, ** and reports patterns matching nothing") {
  auto root = fs::temp_directory_path() / ("sbfn-static-" + std::to_string(::getpid()));
  util::write_file_atomic(root / "data" / "a.json", "{}");
  util::write_file_atomic(root / "data" / "b.txt", "b");
  util::write_file_atomic(root / "data" / "deep" / "er" / "c.json", "{}");
  auto found = project::expand_static_files({(root / "data" / "*.json").string(),
                                             (root / "data" / "**" / "*.json").string(),
                                             (root / "nothing" / "*.html").string()});
  std::vector<fs::path> want = {root / "data" / "a.json", root / "data" / "deep" / "er" / "c.json"};
  CHECK(found.files == want);  // sorted, absolute, the repeat of a.json once
  REQUIRE(found.unmatched.size() == 1);
  CHECK(found.unmatched[0] == (root / "nothing" / "*.html").string());
  fs::remove_all(root);
}
