// Fuzzes bundler::parse_packument, which reads what an npm registry answers for a package
// (full or abbreviated metadata), then the version list and os/cpu checks the resolver
// runs on it: a registry, a mirror or a cache file can hold anything.
#include "bundler/npm/packument.hpp"

#include "util/error.hpp"

#include <cstddef>
#include <cstdint>
#include <string_view>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  try {
    auto packument = bundler::parse_packument(text, "fuzzed");
    for (const auto& version : packument.version_list()) {
      const auto& info = packument.versions.at(version);
      bundler::matches_system(info.dist.os, info.dist.cpu);
    }
  } catch (const util::Error&) {
    // Text that is not a packument is refused with util::Error; anything else is a bug.
  }
  return 0;
}
