// Fuzzes bundler::extract_npm_tarball, which unpacks what an npm registry (or a mirror, or
// the cache) serves as a package tarball: paths climbing out with `..`, absolute paths,
// symlinks and hardlinks pointing elsewhere, huge declared or sparse sizes, truncated
// archives and gzip bombs must all end in util::Error or a harmless skip. Each input is
// extracted into a fresh folder `pkg` inside a private sandbox holding a sentinel file;
// afterwards the target aborts when anything exists in the sandbox besides the two, when
// the sentinel changed, or when `pkg` holds anything but plain files and folders.
#include "bundler/npm/tarball.hpp"
#include "util/error.hpp"

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <string_view>

namespace fs = std::filesystem;

namespace {

constexpr std::string_view k_sentinel_text = "not to be touched\n";

// Made once per process under $TMPDIR; scripts/fuzz.sh points TMPDIR into its work folder
// (libFuzzer ends with _Exit, so an atexit cleanup would not run).
const fs::path& sandbox() {
  static const fs::path dir = [] {
    std::string pattern = (fs::temp_directory_path() / "sbfn-fuzz-tar.XXXXXX").string();
    if (mkdtemp(pattern.data()) == nullptr) {
      std::abort();
    }
    std::ofstream(fs::path(pattern) / "sentinel") << k_sentinel_text;
    std::atexit([] { fs::remove_all(sandbox()); });
    return fs::path(pattern);
  }();
  return dir;
}

[[noreturn]] void escaped(const std::string& what) {
  std::fprintf(stderr, "extract_npm_tarball wrote outside its folder: %s\n", what.c_str());
  std::abort();
}

void check_sandbox(const fs::path& pkg) {
  for (const auto& entry : fs::directory_iterator(sandbox())) {
    auto name = entry.path().filename();
    if (name != "sentinel" && name != "pkg") {
      escaped(entry.path().string());
    }
  }
  if (fs::is_symlink(sandbox() / "sentinel") || !fs::is_regular_file(sandbox() / "sentinel")) {
    escaped("the sentinel was replaced");
  }
  std::ostringstream text;
  text << std::ifstream(sandbox() / "sentinel").rdbuf();
  if (text.str() != k_sentinel_text) {
    escaped("the sentinel was rewritten");
  }
  if (!fs::exists(pkg)) {
    return;
  }
  for (const auto& entry : fs::recursive_directory_iterator(pkg)) {
    auto status = entry.symlink_status();
    if (!fs::is_regular_file(status) && !fs::is_directory(status)) {
      escaped("a link or special file: " + entry.path().string());
    }
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const fs::path pkg = sandbox() / "pkg";
  fs::remove_all(pkg);
  fs::create_directory(pkg);
  try {
    bundler::extract_npm_tarball(std::string_view(reinterpret_cast<const char*>(data), size), pkg,
                                 "fuzzed@1.0.0");
  } catch (const util::Error&) {
    // Unreadable, damaged or hostile tarballs are refused with util::Error by contract.
  }
  check_sandbox(pkg);
  fs::remove_all(pkg);
  return 0;
}
