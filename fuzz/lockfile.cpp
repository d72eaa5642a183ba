// Fuzzes bundler::read_lockfile, which reads a project's deno.lock (v4 or v5) before bundling
// or serving; a lock that reads is also written back, as `sbfn bundle` does after resolving.
#include "bundler/lockfile.hpp"

#include "util/error.hpp"

#include <cstddef>
#include <cstdint>
#include <string_view>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  try {
    const bundler::Lock lock = bundler::read_lockfile(text, "/p/deno.lock");
    bundler::write_lockfile(lock);
  } catch (const util::Error&) {
    // An unreadable or unsupported lock is refused with util::Error; anything else is a bug.
  }
  return 0;
}
