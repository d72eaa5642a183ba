#pragma once

#include <v8.h>

#include <string>

namespace runtime {

// Some V8 errors end the process and V8 offers no way back: an out-of-memory it could
// not avoid (the heap past every grant near_heap_limit gives), a failed API check, an
// internal CHECK. Every way a function could reach one that we know of is closed (see
// docs/architecture.md, "Limits"); these make sure any that is left is not silent: one
// line on stderr names the function whose worker raised it, then sbfn exits with
// status 70 (V8's own CHECK failures: with V8's signal, after the same line).

// Registers the handlers on `isolate` (and, once, the signal handlers).
void report_fatal_errors(v8::Isolate* isolate);

// The function this thread runs, for those lines.
void set_fatal_error_context(std::string function_name);

}  // namespace runtime
