#pragma once

#include <v8.h>

#include <mutex>
#include <string>
#include <string_view>

namespace runtime::api {

// The code cache of one embedded layer, shared by the process's workers.
struct LayerCodeCache {
  std::mutex mutex;
  std::string bytes;
};

// The body of a layer op: a JavaScript bundle embedded in the binary and kept out of the
// worker snapshot (the node: layer, the test runner, tr46), so that only the workers that
// use it pay for it, compiled as a function body named `script_name` and called; the op
// returns what it returns (or throws what it threw). The first worker of the process
// leaves a code cache in `cache` that the others compile from.
void return_embedded_layer(const v8::FunctionCallbackInfo<v8::Value>& info, std::string_view source,
                           const char* script_name, LayerCodeCache& cache);

}  // namespace runtime::api
