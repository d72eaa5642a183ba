#include "runtime/isolates.hpp"

#include <mutex>
#include <shared_mutex>

namespace runtime {
namespace {

std::shared_mutex g_seed_mutex;

}  // namespace

v8::Isolate* new_worker_isolate(const v8::Isolate::CreateParams& params) {
  std::shared_lock lock(g_seed_mutex);
  return v8::Isolate::New(params);
}

v8::Isolate* new_compiler_isolate(const v8::Isolate::CreateParams& params) {
  std::unique_lock lock(g_seed_mutex);
  // --random-seed is left out of V8's flag hash, so caches made under it are still
  // accepted by workers made without it.
  v8::V8::SetFlagsFromString("--random-seed=1");
  auto* isolate = v8::Isolate::New(params);
  v8::V8::SetFlagsFromString("--random-seed=0");
  return isolate;
}

}  // namespace runtime
