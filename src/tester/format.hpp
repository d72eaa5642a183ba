#pragma once

// The pieces of Deno's test output that every reporter shares: colours (deno_terminal's
// escape sequences), durations, paths relative to the working folder, and errors formatted
// as Deno's format_test_error does (runtime/fmt_errors.rs).

#include "tester/events.hpp"

#include <chrono>
#include <string>
#include <string_view>

namespace tester {

// Deno's colours: each piece reset, styled, then reset again. All of them return `text`
// unchanged when `on` is false (not a terminal, or NO_COLOR).
struct Colours {
  bool on = false;
  std::string red(std::string_view text) const;
  std::string green(std::string_view text) const;
  std::string yellow(std::string_view text) const;
  std::string cyan(std::string_view text) const;
  std::string gray(std::string_view text) const;
  std::string dim_gray(std::string_view text) const;
  std::string red_bold(std::string_view text) const;
  std::string italic_bold(std::string_view text) const;
  std::string white_bold_on_red(std::string_view text) const;
  std::string intense_blue(std::string_view text) const;
};

// Whether reports written to `fd` get colours: a terminal, and NO_COLOR unset or empty.
bool use_colour(int fd);

// A duration as Deno 2.9 prints one: 0ms, 123ns, 606µs, 3ms, 2s, 1m5s.
std::string human_elapsed(std::chrono::nanoseconds elapsed);
// A test's or step's duration in milliseconds, as the runner measured it; steps in whole
// milliseconds (Deno measures them with Date.now()).
std::string test_elapsed(double ms);
std::string step_elapsed(double ms);

// `url` as Deno names a module in reports: "./a_test.ts" below the working folder,
// "../x/a_test.ts" beside it, the URL itself when it is not a file.
std::string relative_url(std::string_view url, std::string_view cwd_url);

// Deno's format_test_error: the message, the source line with a caret under the column,
// the frames ("    at ..."), then "Caused by: ..." and an AggregateError's errors.
std::string format_test_error(const JsError& error, const Colours& colours);

}  // namespace tester
