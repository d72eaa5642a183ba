#include "runtime/runtime.hpp"

#include "runtime/assets.hpp"
#include "runtime/platform.hpp"

#include <libplatform/libplatform.h>
#include <v8.h>

#include <cstdlib>
#include <mutex>

namespace runtime {
namespace {

Assets g_assets;

}  // namespace

void init(const Assets& assets) {
  static std::once_flag once;
  std::call_once(once, [&] {
    g_assets = assets;
    // The platform lives as long as the process: workers and the compiler thread may
    // still be winding down while static destructors run.
    static auto* platform = make_platform().release();
    // V8 10.2 parses import assertions (`assert { type: "json" }`, what import attributes
    // are rewritten to) only behind this flag, which Node.js sets too. The snapshot
    // builder shares this function, so snapshots and workers agree on the flags.
    v8::V8::SetFlagsFromString("--harmony-import-assertions");
    // V8 10.2 checks the snapshot's adler32 on every isolate it makes, about a tenth of a
    // worker's boot. The snapshot is inside this binary, and every code cache we hand V8
    // is too or comes from an artifact whose SHA-256 was checked on reading, so the
    // checksum guards nothing here (later V8s check it in debug builds only).
    v8::V8::SetFlagsFromString("--no-verify-snapshot-checksum");
    // For profiling (bench/README.md): `SBFN_V8_FLAGS=--perf-basic-prof` names JIT code
    // for perf. Set last, so it can override the flags above.
    if (const char* extra = std::getenv("SBFN_V8_FLAGS"))
      v8::V8::SetFlagsFromString(extra);
    v8::V8::InitializePlatform(platform);
    v8::V8::Initialize();
  });
}

const Assets& assets() {
  return g_assets;
}

const char* v8_version() {
  return v8::V8::GetVersion();
}

}  // namespace runtime
