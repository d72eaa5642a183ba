#pragma once

// Runs JavaScript in a real worker (snapshot, event loop and all) for unit tests.

#include "runtime/worker.hpp"

#include <chrono>
#include <string>
#include <vector>

namespace test_support {

// A worker with no main module whose console output is kept for inspection.
class ScriptWorker {
 public:
  explicit ScriptWorker(runtime::WorkerOptions options = {});

  // Evaluates a classic script (awaiting a returned promise) with a 30 s guard (the fetch
  // suite talks to real servers).
  runtime::EvalResult eval(const std::string& source);

  // Console lines so far, each as "<fd>:<text>".
  std::vector<std::string> output() const;

  runtime::Worker& worker() { return *m_worker; }

 private:
  struct Shared;
  std::shared_ptr<Shared> m_shared;
  std::unique_ptr<runtime::Worker> m_worker;
};

// One-shot helper: a fresh worker evaluates `source`.
runtime::EvalResult eval(const std::string& source);

}  // namespace test_support
