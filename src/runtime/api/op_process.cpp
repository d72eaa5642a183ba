// What a function may learn about, or do to, the process it runs in: its worker's memory
// (Deno.memoryUsage) and ending its own worker (Deno.exit). Never the host process.
#include "runtime/api/op_host.hpp"
#include "runtime/api/ops.hpp"
#include "runtime/v8_util.hpp"

#include <unistd.h>

#include <fstream>

namespace runtime::api {
namespace {

// memory_usage() -> [rss, heapTotal, heapUsed, external]. rss is the process's (every
// worker shares it, as Deno's workers do); the rest is this worker's isolate.
void memory_usage(const v8::FunctionCallbackInfo<v8::Value>& info) {
  auto* isolate = info.GetIsolate();
  v8::HeapStatistics heap;
  isolate->GetHeapStatistics(&heap);
  double rss = 0;
  std::ifstream statm("/proc/self/statm");
  std::size_t pages_total = 0;
  std::size_t pages_resident = 0;
  if (statm >> pages_total >> pages_resident) {
    rss = static_cast<double>(pages_resident) * static_cast<double>(::sysconf(_SC_PAGESIZE));
  }
  v8::Local<v8::Value> values[] = {
      v8::Number::New(isolate, rss),
      v8::Number::New(isolate, static_cast<double>(heap.total_heap_size())),
      v8::Number::New(isolate, static_cast<double>(heap.used_heap_size())),
      v8::Number::New(isolate, static_cast<double>(heap.external_memory()))};
  info.GetReturnValue().Set(v8::Array::New(isolate, values, std::size(values)));
}

// exit(code): ends this worker; the process goes on.
void exit_worker(const v8::FunctionCallbackInfo<v8::Value>& info) {
  auto* isolate = info.GetIsolate();
  auto code = info[0]->Int32Value(isolate->GetCurrentContext()).FromMaybe(0);
  OpHost::of(isolate).exit_worker(code);
}

}  // namespace

std::vector<Op> process_ops() {
  return {{"memory_usage", memory_usage}, {"exit_worker", exit_worker}};
}

}  // namespace runtime::api
