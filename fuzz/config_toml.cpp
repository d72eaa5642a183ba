// Fuzzes supabase/config.toml as `sbfn serve` reads it: project::discover_functions (the
// [functions.<slug>] tables) and project::edge_runtime_policy ([edge_runtime] policy).
// Both read a file, so each input is written to config.toml in a private temp folder,
// beside a functions folder holding one function; nothing is written anywhere else.
#include "project/config.hpp"

#include "util/error.hpp"

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <optional>
#include <string>

namespace fs = std::filesystem;

namespace {

// Made once per process under $TMPDIR. Removed at exit when a reproducer run exits normally;
// libFuzzer's own runs end with _Exit, so scripts/fuzz.sh points TMPDIR into its work folder.
const fs::path& project_dir() {
  static const fs::path dir = [] {
    std::string pattern = (fs::temp_directory_path() / "sbfn-fuzz-toml.XXXXXX").string();
    if (mkdtemp(pattern.data()) == nullptr)
      std::abort();
    fs::create_directories(fs::path(pattern) / "functions/hello");
    std::ofstream(fs::path(pattern) / "functions/hello/index.ts")
        << "Deno.serve(() => new Response());\n";
    std::atexit([] { fs::remove_all(project_dir()); });
    return fs::path(pattern);
  }();
  return dir;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const fs::path config = project_dir() / "config.toml";
  std::ofstream(config, std::ios::binary | std::ios::trunc)
      .write(reinterpret_cast<const char*>(data), static_cast<std::streamsize>(size));
  try {
    project::discover_functions(project_dir() / "functions", config);
  } catch (const util::Error&) {
    // Bad TOML, an unknown key, a wrong type or a missing entrypoint: util::Error by contract.
  }
  try {
    project::edge_runtime_policy(config);
  } catch (const util::Error&) {
  }
  return 0;
}
