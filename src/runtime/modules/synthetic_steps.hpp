// The evaluation steps of a synthetic module (CommonJS, JSON, node: built-ins), guarded.
#pragma once

#include <v8.h>

namespace runtime {

// Runs `steps` (returning false when a V8 call failed) as a synthetic module's evaluation.
// V8 10.2 records a failed synthetic module from the isolate's *pending* exception, but
// when the module graph is evaluated straight from C++ (a worker's boot), an exception
// thrown by a V8 call made here has already been handed to the boot's TryCatch and
// cleared, as no JavaScript frame lies between: V8 would then abort the process. Caught
// here and thrown again, the exception stays where V8 looks for it. A termination is not
// thrown again: the worker is ending, and V8 may take the module as evaluated (as Node does).
template <typename Steps>
v8::MaybeLocal<v8::Value> run_synthetic_steps(v8::Isolate* isolate, Steps&& steps) {
  v8::TryCatch try_catch(isolate);
  if (steps() || try_catch.HasTerminated()) {
    return v8::Undefined(isolate);
  }
  if (!try_catch.HasCaught()) {
    isolate->ThrowException(
        v8::Exception::Error(v8::String::NewFromUtf8Literal(isolate, "module evaluation failed")));
  }
  try_catch.ReThrow();
  return {};
}

}  // namespace runtime
