// What a worker's boot costs because of the worker snapshot: a new isolate and context
// deserialised from it, then a first script. Several snapshots are timed in turns within
// one process (A, B, A, B, ...), so that a loaded machine slows each of them alike; "-"
// is the snapshot built into this binary. An older snapshot works as long as its ops are
// a prefix of this binary's (ops are only ever appended). Prints, per snapshot, the median
// of N boots in wall time and in this thread's CPU time (the steadier of the two).
//
//   build/bench/sbfn_boot_bench [--runs N] [--script JS] SNAPSHOT...
//
// --script (default `typeof Deno.serve`) is the first script each worker runs: e.g.
// `Buffer.from("x").length` times the node: layer's first use as well.
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

struct Subject {
  std::string name;
  std::string bytes;  // empty: the embedded snapshot
  v8::StartupData blob{};
  std::vector<double> wall;
  std::vector<double> cpu;
  std::vector<double> isolate_cpu;  // of which: the isolate, before its context
};

void boot_once(Subject& subject, const std::string& script, v8::ArrayBuffer::Allocator* allocator) {
  auto start = std::chrono::steady_clock::now();
  double cpu_start = thread_cpu_ms();
  v8::Isolate::CreateParams params;
  params.snapshot_blob = &subject.blob;
  params.external_references = runtime::api::external_references();
  params.array_buffer_allocator = allocator;
  auto* isolate = v8::Isolate::New(params);
  subject.isolate_cpu.push_back(thread_cpu_ms() - cpu_start);
  {
    v8::Isolate::Scope isolate_scope(isolate);
    v8::HandleScope handle_scope(isolate);
    auto context = v8::Context::New(isolate);
    v8::Context::Scope context_scope(context);
    auto source = v8::String::NewFromUtf8(isolate, script.c_str()).ToLocalChecked();
    auto compiled = v8::Script::Compile(context, source).ToLocalChecked();
    std::ignore = compiled->Run(context).ToLocalChecked();
  }
  subject.cpu.push_back(thread_cpu_ms() - cpu_start);
  subject.wall.push_back(
      std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count());
  isolate->Dispose();
}

}  // namespace

int main(int argc, char** argv) {
  int runs = 50;
  std::string script = "typeof Deno.serve";
  std::vector<Subject> subjects;
  auto assets = runtime::embedded_assets();
  for (int i = 1; i < argc; ++i) {
    std::string arg = argv[i];
    if (arg == "--runs" && i + 1 < argc) {
      runs = std::atoi(argv[++i]);
    } else if (arg == "--script" && i + 1 < argc) {
      script = argv[++i];
    } else {
      Subject subject;
      subject.name = arg;
      if (arg != "-") {
        std::ifstream in(arg, std::ios::binary);
        subject.bytes.assign(std::istreambuf_iterator<char>(in), {});
        if (subject.bytes.empty()) {
          std::fprintf(stderr, "cannot read %s\n", arg.c_str());
          return 1;
        }
      }
      subjects.push_back(std::move(subject));
    }
  }
  if (subjects.empty()) {
    subjects.emplace_back().name = "-";
  }
  runtime::init(assets);
  for (auto& subject : subjects) {
    std::string_view bytes = subject.bytes.empty() ? assets.worker_snapshot : subject.bytes;
    subject.blob = {bytes.data(), static_cast<int>(bytes.size())};
  }
  std::unique_ptr<v8::ArrayBuffer::Allocator> allocator(
      v8::ArrayBuffer::Allocator::NewDefaultAllocator());
  for (int i = 0; i < runs; ++i) {
    for (auto& subject : subjects) {
      boot_once(subject, script, allocator.get());
    }
  }
  for (const auto& subject : subjects) {
    std::printf(
        "%s (%d bytes), %d boots: wall median %.2f ms, cpu median %.2f ms (isolate %.2f ms)\n",
        subject.name.c_str(), subject.blob.raw_size, runs, median(subject.wall),
        median(subject.cpu), median(subject.isolate_cpu));
  }
  return 0;
}
