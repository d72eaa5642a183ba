#pragma once

#include <v8.h>

#include <string_view>

namespace runtime {

// A V8 string over bytes that live as long as the process (text embedded in the binary:
// TypeScript's compiler, the node: layer), without copying them. `text` must be Latin-1
// (esbuild's output is ASCII).
v8::Local<v8::String> new_static_string(v8::Isolate* isolate, std::string_view text);

}  // namespace runtime
