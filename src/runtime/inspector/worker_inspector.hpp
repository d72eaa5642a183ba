#pragma once

#include "runtime/inspector/inspector.hpp"

#include <v8.h>

#include <chrono>
#include <functional>
#include <memory>
#include <string>
#include <string_view>

namespace runtime::inspector {

// V8's inspector on one worker: made, used and destroyed on the worker's thread only
// (V8's inspector is not thread-safe). It registers the worker as a target; a frontend's
// messages reach it through the target's queue, and are dispatched either from the
// worker's loop (after `wake` posted a call to dispatch_queued()) or, while JavaScript is
// paused at a breakpoint, from the nested message loop V8 asks for, which blocks the
// thread on the queue until the debugger resumes.
class WorkerInspector {
 public:
  // `title` and `url` are what /json/list shows (the function's name, its main module);
  // `wake` is called from the listener's thread to have the loop call dispatch_queued();
  // `log` prints a line of the worker's output (the "Debugger listening" lines);
  // `uncharge` is told the CPU time the thread spent on the debugger's messages, which is
  // the debugger's work, not the function's (its CPU limits must not count it).
  WorkerInspector(v8::Isolate* isolate, v8::Local<v8::Context> context, std::string title,
                  std::string url, const InspectOptions& options, std::function<void()> wake,
                  std::function<void(std::string_view)> log,
                  std::function<void(std::chrono::nanoseconds)> uncharge);
  ~WorkerInspector();  // the target leaves the list; an attached frontend is closed
  WorkerInspector(const WorkerInspector&) = delete;
  WorkerInspector& operator=(const WorkerInspector&) = delete;

  // Before the main module is evaluated. wait and brk: blocks until a debugger attached
  // and sent Runtime.runIfWaitingForDebugger (or the worker ends); brk then has V8 pause
  // on the next statement, the module's first.
  void before_main_module();
  // Dispatches every frontend message queued so far (the worker's loop calls this).
  void dispatch_queued();
  // The worker's target. Its end() may be called from any thread (the worker is being
  // terminated): a worker blocked waiting for a debugger or paused at a breakpoint then
  // returns to its loop.
  const std::shared_ptr<Target>& target() const;

 private:
  class Impl;
  std::unique_ptr<Impl> m_impl;
};

}  // namespace runtime::inspector
