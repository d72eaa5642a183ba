#pragma once

// V8's precise coverage of one isolate, through the inspector protocol's Profiler domain
// (what `deno test --coverage` collects): call counts per function and per block. Only a
// test worker asked for coverage (TestRunOptions::coverage) makes one; serving never does.

#include <v8.h>

#include <memory>
#include <string>

namespace runtime {

class CoverageSession {
 public:
  // Starts precise coverage (call counts, block detail) in `context`'s isolate. Functions
  // compiled from now on are counted by block: make it before the module is compiled. The
  // isolate must be entered, with a HandleScope.
  CoverageSession(v8::Isolate* isolate, v8::Local<v8::Context> context);
  ~CoverageSession();
  CoverageSession(const CoverageSession&) = delete;
  CoverageSession& operator=(const CoverageSession&) = delete;

  // Profiler.takePreciseCoverage's `result`: a JSON array of V8's ScriptCoverage objects
  // ({scriptId, url, functions: [{functionName, ranges: [{startOffset, endOffset, count}],
  // isBlockCoverage}]}), offsets in UTF-16 units of the JavaScript V8 compiled. Same
  // preconditions as the constructor.
  std::string take();

 private:
  class Impl;
  std::unique_ptr<Impl> m_impl;
};

}  // namespace runtime
