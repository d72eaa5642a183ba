// What a worker's boot costs because of the worker snapshot: a new isolate and context
// deserialised from it, then a first script. Reads the snapshot from a file when given,
// so the same binary can time an older snapshot (its ops must be a prefix of this
// binary's: ops are only ever appended). Prints the median and mean of N boots, in wall
// time and in this thread's CPU time (steadier on a loaded machine).
//
//   build/bench/sbfn_boot_bench [SNAPSHOT] [N]
#include "runtime/api/ops.hpp"
#include "runtime/embedded.hpp"
#include "runtime/runtime.hpp"

#include <libplatform/libplatform.h>
#include <time.h>
#include <v8.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <iterator>
#include <memory>
#include <numeric>
#include <string>
#include <vector>

namespace {

double thread_cpu_ms() {
  timespec ts{};
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
  return static_cast<double>(ts.tv_sec) * 1e3 + static_cast<double>(ts.tv_nsec) / 1e6;
}

double median(std::vector<double> values) {
  std::sort(values.begin(), values.end());
  return values[values.size() / 2];
}

}  // namespace

int main(int argc, char** argv) {
  auto assets = runtime::embedded_assets();
  std::string file;
  if (argc > 1) {
    std::ifstream in(argv[1], std::ios::binary);
    file.assign(std::istreambuf_iterator<char>(in), {});
    if (file.empty()) {
      std::fprintf(stderr, "cannot read %s\n", argv[1]);
      return 1;
    }
    assets.worker_snapshot = file;
  }
  int runs = argc > 2 ? std::atoi(argv[2]) : 50;
  runtime::init(assets);
  v8::StartupData blob{assets.worker_snapshot.data(),
                       static_cast<int>(assets.worker_snapshot.size())};
  std::unique_ptr<v8::ArrayBuffer::Allocator> allocator(
      v8::ArrayBuffer::Allocator::NewDefaultAllocator());
  std::vector<double> times;
  std::vector<double> cpu;
  std::vector<double> isolate_cpu;  // of which: the isolate, before its context
  for (int i = 0; i < runs; ++i) {
    auto start = std::chrono::steady_clock::now();
    double cpu_start = thread_cpu_ms();
    v8::Isolate::CreateParams params;
    params.snapshot_blob = &blob;
    params.external_references = runtime::api::external_references();
    params.array_buffer_allocator = allocator.get();
    auto* isolate = v8::Isolate::New(params);
    isolate_cpu.push_back(thread_cpu_ms() - cpu_start);
    {
      v8::Isolate::Scope isolate_scope(isolate);
      v8::HandleScope handle_scope(isolate);
      auto context = v8::Context::New(isolate);
      v8::Context::Scope context_scope(context);
      auto source = v8::String::NewFromUtf8Literal(isolate, "typeof Deno.serve");
      auto script = v8::Script::Compile(context, source).ToLocalChecked();
      std::ignore = script->Run(context).ToLocalChecked();
    }
    times.push_back(
        std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start)
            .count());
    cpu.push_back(thread_cpu_ms() - cpu_start);
    isolate->Dispose();
  }
  double mean = std::accumulate(times.begin(), times.end(), 0.0) / static_cast<double>(runs);
  std::printf(
      "snapshot %zu bytes, %d boots: wall median %.2f ms (mean %.2f), cpu median %.2f ms "
      "(isolate %.2f ms)\n",
      assets.worker_snapshot.size(), runs, median(times), mean, median(cpu), median(isolate_cpu));
  return 0;
}
