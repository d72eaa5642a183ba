#pragma once

#include <v8.h>

#include <functional>
#include <memory>

namespace runtime {

// V8's default platform, with one change: when V8 posts a foreground task for an
// isolate (async WebAssembly compilation finishing, GC follow-ups, ...), the isolate's
// worker is woken to run it from its own event loop. Compiled without RTTI, like V8.
std::unique_ptr<v8::Platform> make_platform();

// Registers how to wake the worker that owns `isolate`: called with the delay in seconds
// after which pump_platform_tasks() has work.
void set_platform_waker(v8::Isolate* isolate, std::function<void(double delay_s)> wake);
void clear_platform_waker(v8::Isolate* isolate);

// Whether V8's worker threads have tasks posted but not finished (of any isolate): such a
// task may still post a foreground task (async WebAssembly compilation finishing), so an
// event loop with nothing to do is not idle for good while this is true.
bool platform_background_busy();

// Runs the foreground tasks of `isolate` that are due; on the isolate's thread.
void pump_platform_tasks(v8::Isolate* isolate);

}  // namespace runtime
