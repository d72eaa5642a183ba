#include "runtime/runtime.hpp"

#include "runtime/assets.hpp"

#include <libplatform/libplatform.h>
#include <v8.h>

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
    static auto* platform = v8::platform::NewDefaultPlatform().release();
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
