// Fuzzes bundler::parse_jsonc, which reads deno.json/deno.jsonc (comments, trailing commas)
// for every function. The import map built from it is not fuzzed here: URL resolution goes
// through ada inside libnode (bundler/remote/url.cpp), which this V8-free build leaves out.
#include "bundler/config/jsonc.hpp"
#include "util/error.hpp"

#include <cstddef>
#include <cstdint>
#include <string_view>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  try {
    bundler::parse_jsonc(text, "/p/deno.json");
  } catch (const util::Error&) {
    // Text that is not JSONC is refused with util::Error; anything else escaping is a bug.
  }
  return 0;
}
