#include "runtime/api/tmp_fs.hpp"

#include <doctest/doctest.h>
#include <fcntl.h>
#include <sys/stat.h>

#include <filesystem>
#include <fstream>

namespace fs = std::filesystem;
using runtime::api::TmpFs;

TEST_SUITE_BEGIN("runtime");

TEST_CASE("runtime::TmpFs makes a private folder on first use and removes it at the end") {
  fs::path made;
  {
    TmpFs tmp("", 1 << 20);
    made = tmp.dir();
    CHECK(fs::is_directory(made));
    struct stat st {};
    REQUIRE(::stat(made.c_str(), &st) == 0);
    CHECK((st.st_mode & 0777) == 0700);
    std::ofstream(made / "file.txt") << "12345";
    fs::create_directories(made / "a" / "b");
    std::ofstream(made / "a" / "b" / "more") << "678";
    CHECK(tmp.usage() == 8);
    CHECK(tmp.visible(made / "a" / "b") == "/tmp/a/b");
    CHECK(tmp.visible(made) == "/tmp");
  }
  CHECK_FALSE(fs::exists(made));
}

TEST_CASE("runtime::TmpFs resolves /tmp, the function's folder and nothing else") {
  auto root = fs::temp_directory_path() / "sbfn-tmpfs-root";
  fs::create_directories(root / "fn" / "sub");
  auto fn = fs::canonical(root / "fn");
  TmpFs tmp(fn, 1 << 20);
  auto dir = tmp.dir();

  auto at = [&](const std::string& path, bool follow = true) { return tmp.resolve(path, follow); };
  CHECK(at("/tmp").place == TmpFs::Place::tmp);
  CHECK(at("/tmp").real == dir);
  CHECK(at("/tmp/x/../y").real == dir / "y");
  CHECK(at("/tmp/").place == TmpFs::Place::tmp);
  CHECK(at("/tmpfoo").place == TmpFs::Place::outside);  // whole path elements only
  CHECK(at("/tmp/../etc/passwd").place == TmpFs::Place::outside);
  CHECK(at("/etc/passwd").place == TmpFs::Place::outside);
  CHECK(at("sub").place == TmpFs::Place::function);  // relative: the function's folder
  CHECK(at("sub").real == fn / "sub");
  CHECK(at("../fn/sub").place == TmpFs::Place::function);
  CHECK(at("../../../etc/passwd").place == TmpFs::Place::outside);
  // The folder lies below the real /tmp here: leaving it by `..` is not the private /tmp.
  CHECK(at("../other").place == TmpFs::Place::outside);

  // A symlink out of /tmp is followed and refused; not following it (lstat, remove)
  // reaches the link itself.
  fs::create_symlink("/etc", dir / "escape");
  CHECK(at("/tmp/escape/passwd").place == TmpFs::Place::outside);
  CHECK(at("/tmp/escape").place == TmpFs::Place::outside);
  CHECK(at("/tmp/escape", false).place == TmpFs::Place::tmp);
  // ... and one out of the function's folder too.
  fs::create_symlink("/etc", fn / "etc");
  CHECK(at("etc/passwd").place == TmpFs::Place::outside);
  fs::remove_all(root);
}

TEST_CASE("runtime::TmpFs keeps open files by resource id and closes them") {
  TmpFs tmp("", 1 << 20);
  auto path = tmp.dir() / "f";
  std::ofstream(path) << "x";
  auto rid = tmp.add(::open(path.c_str(), O_RDONLY));
  CHECK(tmp.fd(rid).has_value());
  CHECK(tmp.close(rid));
  CHECK_FALSE(tmp.fd(rid).has_value());
  CHECK_FALSE(tmp.close(rid));
}

TEST_SUITE_END();
