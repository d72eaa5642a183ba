// Fuzzes bundler::read_artifact, which reads a `.sbfn` artifact: from disk for `sbfn serve
// --bundle` and `sbfn bundle --list/--extract`, and from the network when the admin API
// takes an upload (PUT /_admin/v1/functions/<slug>). Whatever it accepts is listed,
// written again (which must read back as the same artifact) and extracted into a private
// sandbox, which must hold nothing outside its output folder afterwards.
//
// An input that starts with the magic "SBFNART\0" is read as it is. Any other input is the
// run of sections only: the target puts the header (magic, format, length) before it and
// the sha256 after it, so the fuzzer reaches the section parsers instead of spending
// itself on the checksum.
#include "bundler/artifact/artifact.hpp"

#include "bundler/artifact/binary_io.hpp"
#include "util/error.hpp"

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <string>
#include <string_view>

namespace fs = std::filesystem;

namespace {

void append_u32(std::string& out, std::uint32_t value) {
  for (int i = 0; i < 4; ++i) {
    out.push_back(static_cast<char>((value >> (8 * i)) & 0xff));
  }
}

std::string framed(std::string_view sections) {
  namespace io = bundler::artifact_io;
  std::string out(io::k_magic);
  append_u32(out, bundler::k_artifact_format);
  append_u32(out,
             static_cast<std::uint32_t>(io::k_header_size + sections.size() + io::k_checksum_size));
  out.append(sections);
  out += io::sha256(out);
  return out;
}

// Made once per process under $TMPDIR (scripts/fuzz.sh points it into its work folder).
const fs::path& sandbox() {
  static const fs::path dir = [] {
    std::string pattern = (fs::temp_directory_path() / "sbfn-fuzz-artifact.XXXXXX").string();
    if (mkdtemp(pattern.data()) == nullptr) {
      std::abort();
    }
    std::atexit([] { fs::remove_all(sandbox()); });
    return fs::path(pattern);
  }();
  return dir;
}

[[noreturn]] void bug(const char* what) {
  std::fprintf(stderr, "artifact fuzz: %s\n", what);
  std::abort();
}

void extract_in_sandbox(const bundler::Artifact& artifact) {
  const fs::path out = sandbox() / "out";
  fs::remove_all(out);
  try {
    bundler::extract_artifact(artifact, out);
  } catch (const util::Error&) {
    // A path leaving the folder, or two entries for one path: refused by contract.
  }
  for (const auto& entry : fs::directory_iterator(sandbox())) {
    if (entry.path().filename() != "out") {
      bug("extract_artifact wrote outside its output folder");
    }
  }
  fs::remove_all(out);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string_view input(reinterpret_cast<const char*>(data), size);
  const bool raw = input.starts_with(bundler::artifact_io::k_magic);
  const std::string bytes = raw ? std::string(input) : framed(input);
  bundler::Artifact artifact;
  try {
    artifact = bundler::read_artifact(bytes, "fuzzed.sbfn");
  } catch (const util::Error&) {
    return 0;  // not an artifact, damaged or invalid: refused by contract
  }
  bundler::list_artifact(artifact);
  std::string written;
  try {
    written = bundler::write_artifact(artifact);
  } catch (const util::Error&) {
    bug("an artifact read_artifact accepted cannot be written again");
  }
  try {
    if (!(bundler::read_artifact(written, "rewritten.sbfn") == artifact)) {
      bug("an artifact written again reads back differently");
    }
  } catch (const util::Error&) {
    bug("an artifact written again does not read back");
  }
  extract_in_sandbox(artifact);
  return 0;
}
