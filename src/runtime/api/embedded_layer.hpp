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

// A JavaScript bundle embedded in the binary and kept out of the worker snapshot (the
// node: layer, the test runner), so that only the workers that use it pay for it: compiled
// as a function body named `script_name` and called; returns what it returns. The first
// worker of the process leaves a code cache in `cache` that the others compile from.
v8::MaybeLocal<v8::Value> run_embedded_layer(v8::Isolate* isolate, v8::Local<v8::Context> context,
                                             std::string_view source, const char* script_name,
                                             LayerCodeCache& cache);

}  // namespace runtime::api
