// npm tarballs: integrity strings checked as npm and Deno check them, and extraction that
// keeps every file inside the package folder (the tarballs are built with libarchive).
#include "support/npm_registry_fixture.hpp"
#include "support/temp_dir.hpp"

#include "bundler/npm/tarball.hpp"
#include "util/error.hpp"
#include "util/files.hpp"

#include <doctest/doctest.h>

#include <cstdio>
#include <filesystem>

namespace fs = std::filesystem;
using test_support::TarEntry;

TEST_CASE("bundler::integrity_mismatch checks sha512 and sha1 SRI strings and hex shasums") {
  std::string bytes = "hello";
  // Published vectors: sha512("hello") and sha1("hello").
  auto sha512 =
      "sha512-m3HSJL1i83hdltRq0+o9czGb+8KJDKra4t/"
      "3JRlnPKcjI8PZm6XBHXx6zG4UuMXaDEZjR1wuXDre9G9zvN7AQw==";
  CHECK_FALSE(bundler::integrity_mismatch(bytes, sha512, "x@1.0.0").has_value());
  CHECK_FALSE(bundler::integrity_mismatch(bytes, "sha1-qvTGHdzF6KLavt4PO0gs2a6pQ00=", "x@1.0.0"));
  CHECK_FALSE(
      bundler::integrity_mismatch(bytes, "aaf4c61ddcc5e8a2dabede0f3b482cd9aea9434d", "x@1.0.0"));
  CHECK_FALSE(bundler::integrity_mismatch(bytes, "", "x@1.0.0"));  // nothing to check against
  CHECK(bundler::integrity_mismatch("other", sha512, "x@1.0.0") ==
        test_support::sri_sha512("other"));
  CHECK_THROWS_WITH_AS(bundler::integrity_mismatch(bytes, "sha256-abc=", "x@1.0.0"),
                       doctest::Contains("Not implemented hash function for x@1.0.0: sha256-abc="),
                       util::Error);
}

TEST_CASE("bundler::extract_npm_tarball drops the first segment and skips links") {
  test_support::TempDir temp;
  auto tgz = test_support::make_tarball({
      {"package/package.json", "{\"name\":\"a\"}", TarEntry::Type::file, ""},
      {"package/lib/index.js", "module.exports = 1;", TarEntry::Type::file, ""},
      {"package/empty", "", TarEntry::Type::directory, ""},
      {"package/link.js", "", TarEntry::Type::symlink, "/etc/passwd"},
      {"package/hard.js", "", TarEntry::Type::hardlink, "package/lib/index.js"},
      {"package/./odd//path.js", "x", TarEntry::Type::file, ""},
  });
  bundler::extract_npm_tarball(tgz, temp.path, "a@1.0.0");
  CHECK(util::read_file(temp.path / "package.json") == "{\"name\":\"a\"}");
  CHECK(util::read_file(temp.path / "lib" / "index.js") == "module.exports = 1;");
  CHECK(util::read_file(temp.path / "odd" / "path.js") == "x");
  CHECK(fs::is_directory(temp.path / "empty"));
  CHECK_FALSE(fs::exists(fs::symlink_status(temp.path / "link.js")));
  CHECK_FALSE(fs::exists(temp.path / "hard.js"));
}

TEST_CASE("bundler::extract_npm_tarball refuses paths that leave the package folder") {
  test_support::TempDir temp;
  auto escape =
      test_support::make_tarball({{"package/../../evil.js", "x", TarEntry::Type::file, ""}});
  CHECK_THROWS_WITH_AS(bundler::extract_npm_tarball(escape, temp.path / "out", "bad@1.0.0"),
                       doctest::Contains("The tarball of npm package bad@1.0.0 has the path "
                                         "'package/../../evil.js'"),
                       util::Error);
  auto absolute = test_support::make_tarball({{"/etc/evil", "x", TarEntry::Type::file, ""}});
  CHECK_THROWS_AS(bundler::extract_npm_tarball(absolute, temp.path / "out2", "bad@1.0.0"),
                  util::Error);
  CHECK_FALSE(fs::exists(temp.path / "evil.js"));
  CHECK_THROWS_WITH_AS(
      bundler::extract_npm_tarball("not a tarball", temp.path / "out3", "bad@1.0.0"),
      doctest::Contains("Cannot extract the tarball of npm package bad@1.0.0"), util::Error);
}

TEST_CASE("bundler::extract_npm_tarball refuses a path that is a file and a folder") {
  // Found by fuzz/npm_tarball.cpp: std::filesystem_error escaped instead of util::Error.
  test_support::TempDir temp;
  auto tgz = test_support::make_tarball({
      {"package/a", "a file", TarEntry::Type::file, ""},
      {"package/a/b.js", "below a file", TarEntry::Type::file, ""},
  });
  CHECK_THROWS_WITH_AS(bundler::extract_npm_tarball(tgz, temp.path / "out", "odd@1.0.0"),
                       doctest::Contains("while extracting npm package odd@1.0.0"), util::Error);
  auto folder_first = test_support::make_tarball({
      {"package/a", "", TarEntry::Type::directory, ""},
      {"package/a", "a file over a folder", TarEntry::Type::file, ""},
  });
  CHECK_THROWS_WITH_AS(bundler::extract_npm_tarball(folder_first, temp.path / "out2", "odd@1.0.0"),
                       doctest::Contains("Cannot write"), util::Error);
}

TEST_CASE("bundler::extract_npm_tarball refuses an entry larger than a package may be") {
  // A ustar header declaring an 8 GiB file with no data behind it: refused from the header,
  // before anything is read or written.
  std::string header(512, '\0');
  auto put = [&](std::size_t at, std::string_view text) { header.replace(at, text.size(), text); };
  put(0, "package/huge.bin");
  put(100, "0000644");
  put(108, "0000000");
  put(116, "0000000");
  put(124, "77777777777");
  put(136, "00000000000");
  put(156, "0");
  put(257, std::string_view("ustar\0"
                            "00",
                            8));
  unsigned sum = 8 * ' ';
  for (std::size_t i = 0; i < 512; ++i) {
    sum += (i >= 148 && i < 156) ? 0 : static_cast<unsigned char>(header[i]);
  }
  char checksum[8];
  std::snprintf(checksum, sizeof checksum, "%06o", sum);
  put(148, std::string_view(checksum, 7));
  test_support::TempDir temp;
  CHECK_THROWS_WITH_AS(
      bundler::extract_npm_tarball(header + std::string(1024, '\0'), temp.path, "big@1.0.0"),
      "The tarball of npm package big@1.0.0 unpacks to more than 2 GiB; refusing to extract it.",
      util::Error);
  CHECK_FALSE(fs::exists(temp.path / "huge.bin"));
}
