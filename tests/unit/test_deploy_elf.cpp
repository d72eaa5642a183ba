// The ELF dependency walk picks exactly the libraries ld.so loads for sbfn: checked on the
// sbfn binary itself against ldd (glibc's own loader, the oracle), with and without
// /etc/ld.so.cache.
#include "support/temp_dir.hpp"

#include "deploy/elf.hpp"
#include "util/error.hpp"
#include "util/files.hpp"

#include <doctest/doctest.h>

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <map>
#include <sstream>

namespace fs = std::filesystem;

namespace {

struct LddView {
  fs::path interpreter;
  std::map<std::string, fs::path> libraries;  // soname -> path
};

// `ldd FILE`: "\tlibssl.so.3 => /lib/x86_64-linux-gnu/libssl.so.3 (0x...)", the loader as
// "\t/lib64/ld-linux-x86-64.so.2 (0x...)", and the kernel's vDSO (no file) to skip.
LddView run_ldd(const fs::path& file) {
  LddView view;
  std::string command = "ldd '" + file.string() + "'";
  auto* pipe = ::popen(command.c_str(), "r");
  REQUIRE(pipe != nullptr);
  std::string output;
  char buffer[4096];
  while (auto n = std::fread(buffer, 1, sizeof buffer, pipe)) {
    output.append(buffer, n);
  }
  REQUIRE(::pclose(pipe) == 0);
  std::istringstream lines(output);
  std::string line;
  while (std::getline(lines, line)) {
    std::istringstream words(line);
    std::string name, arrow, path;
    words >> name >> arrow >> path;
    if (arrow == "=>") {
      view.libraries[name] = path;
    } else if (name.starts_with("/")) {
      view.interpreter = name;
    }
  }
  return view;
}

void check_against_ldd(const fs::path& binary, const deploy::LoaderSearch& search) {
  auto ldd = run_ldd(binary);
  auto ours = deploy::find_dependencies(binary, search);
  CHECK(ours.interpreter == ldd.interpreter);
  std::map<std::string, fs::path> found;
  for (const auto& library : ours.libraries) {
    CHECK_MESSAGE(found.count(library.soname) == 0, "listed twice: " << library.soname);
    found[library.soname] = library.path;
  }
  for (const auto& [soname, path] : ldd.libraries) {
    INFO("ldd names " << soname << " => " << path.string());
    REQUIRE(found.count(soname) == 1);
    // The same file (ldd may print /lib/... where we found /usr/lib/...: merged /usr).
    CHECK(fs::canonical(found[soname]) == fs::canonical(path));
  }
  // ldd lists the loader under its own name as well (libc.so.6 needs it), we do too.
  for (const auto& [soname, path] : found) {
    INFO("we name " << soname << " => " << path.string());
    CHECK((ldd.libraries.count(soname) == 1 ||
           fs::canonical(path) == fs::canonical(ldd.interpreter)));
  }
}

}  // namespace

TEST_SUITE_BEGIN("deploy");

TEST_CASE("deploy::read_elf_dynamic reads sbfn's interpreter, needed libraries and runpath") {
  auto elf = deploy::read_elf_dynamic(SBFN_BINARY);
  CHECK(elf.interpreter == "/lib64/ld-linux-x86-64.so.2");
  CHECK(std::find(elf.needed.begin(), elf.needed.end(), "libc.so.6") != elf.needed.end());
  CHECK(std::find(elf.needed.begin(), elf.needed.end(), "libnode.so.108") != elf.needed.end());
  // V8 comes from an unpacked libnode found through the build's RUNPATH (or RPATH).
  CHECK(elf.runpath.size() + elf.rpath.size() >= 1);
  auto libc = deploy::read_elf_dynamic(deploy::read_ld_so_cache().at("libc.so.6"));
  CHECK(libc.interpreter.empty() == false);  // glibc's libc.so.6 names the loader too
  CHECK(libc.soname == "libc.so.6");
}

TEST_CASE("deploy::find_dependencies names every library ldd names for sbfn") {
  check_against_ldd(SBFN_BINARY, deploy::LoaderSearch::from_system());
}

TEST_CASE("deploy::find_dependencies finds the same files without ld.so.cache") {
  auto search = deploy::LoaderSearch::from_system();
  search.cache.clear();
  check_against_ldd(SBFN_BINARY, search);
}

TEST_CASE("deploy::read_ld_so_cache lists this machine's libc and only files that exist") {
  auto cache = deploy::read_ld_so_cache();
  REQUIRE(cache.count("libc.so.6") == 1);
  CHECK(deploy::is_x86_64_elf(cache.at("libc.so.6")));
  CHECK(deploy::read_ld_so_cache("/nonexistent/ld.so.cache").empty());
  test_support::TempDir dir;
  util::write_file_atomic(dir.path / "cache", "ld.so-1.7.0 and something else");
  CHECK(deploy::read_ld_so_cache(dir.path / "cache").empty());
}

TEST_CASE("deploy::find_dependencies names a library it cannot find and who needs it") {
  deploy::LoaderSearch nowhere;  // no cache, no system folders
  try {
    deploy::find_dependencies(SBFN_BINARY, nowhere);
    FAIL("expected an error");
  } catch (const util::Error& error) {
    std::string message = error.what();
    CHECK(message.find("is not found") != std::string::npos);
    CHECK(message.find(std::string("needed by ") + SBFN_BINARY) != std::string::npos);
  }
}

TEST_CASE("deploy::read_elf_dynamic refuses what is not an x86-64 ELF") {
  test_support::TempDir dir;
  util::write_file_atomic(dir.path / "script", "#!/bin/sh\necho hi\n");
  CHECK_FALSE(deploy::is_x86_64_elf(dir.path / "script"));
  CHECK_THROWS_WITH_AS(
      deploy::read_elf_dynamic(dir.path / "script"),
      ((dir.path / "script").string() + " is not a 64-bit x86-64 ELF file").c_str(), util::Error);
  // An ELF header that promises program headers past the end of the file.
  std::string truncated(64, '\0');
  std::string ident =
      "\x7f"
      "ELF\x02\x01\x01";
  truncated.replace(0, ident.size(), ident);
  truncated[18] = 62;   // e_machine = EM_X86_64
  truncated[32] = 100;  // e_phoff
  truncated[54] = 56;   // e_phentsize
  truncated[56] = 1;    // e_phnum
  util::write_file_atomic(dir.path / "truncated", truncated);
  CHECK_THROWS_WITH_AS(
      deploy::read_elf_dynamic(dir.path / "truncated"),
      ((dir.path / "truncated").string() + " is truncated or not a valid ELF file").c_str(),
      util::Error);
}

TEST_SUITE_END();
