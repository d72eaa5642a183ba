#include "runtime/fatal_errors.hpp"

#include <unistd.h>

#include <csignal>
#include <cstdlib>
#include <mutex>
#include <string_view>

namespace runtime {
namespace {

constexpr int k_fatal_exit_status = 70;  // EX_SOFTWARE

thread_local std::string t_function = "sbfn";

void write_stderr(std::string_view text) {
  while (!text.empty()) {
    auto written = ::write(2, text.data(), text.size());
    if (written <= 0) {
      return;
    }
    text.remove_prefix(static_cast<std::size_t>(written));
  }
}

[[noreturn]] void die(std::string_view what, std::string_view where) {
  std::string line = "[" + t_function + "] fatal V8 error: " + std::string(what) + " (in " +
                     std::string(where) +
                     "). V8 cannot recover from it: sbfn exits, ending every function's "
                     "requests.\n";
  write_stderr(line);
  std::_Exit(k_fatal_exit_status);
}

void on_oom(const char* location, bool is_heap_oom) {
  die(is_heap_oom ? "JavaScript heap out of memory" : "process out of memory",
      location != nullptr ? location : "?");
}

void on_fatal(const char* location, const char* message) {
  die(message != nullptr ? message : "fatal error", location != nullptr ? location : "?");
}

// V8's CHECK failures and fatal size errors trap without calling any handler. Only
// async-signal-safe calls here: write, then the default action.
void on_trap(int signal) {
  write_stderr("[");
  write_stderr(t_function);
  write_stderr("] fatal V8 error (the lines above say which): sbfn exits\n");
  std::signal(signal, SIG_DFL);
  std::raise(signal);
}

}  // namespace

void report_fatal_errors(v8::Isolate* isolate) {
  static std::once_flag signals;
  std::call_once(signals, [] {
    std::signal(SIGTRAP, on_trap);
    std::signal(SIGILL, on_trap);
  });
  isolate->SetOOMErrorHandler(on_oom);
  isolate->SetFatalErrorHandler(on_fatal);
}

void set_fatal_error_context(std::string function_name) {
  t_function = std::move(function_name);
}

}  // namespace runtime
