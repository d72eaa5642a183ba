#include "tester/format.hpp"

#include <unistd.h>

#include <cmath>
#include <cstdlib>
#include <sstream>

namespace tester {
namespace {

// deno_terminal's style(): termcolor's ColorSpec starts with a reset.
std::string styled(bool on, std::string_view codes, std::string_view text) {
  if (!on) {
    return std::string(text);
  }
  std::string out = "\x1b[0m";
  out += codes;
  out += text;
  out += "\x1b[0m";
  return out;
}

// A frame's location: on a terminal the folder dim gray, the file name cyan, line and
// column yellow (Deno 2.9); "native" and the like cyan.
std::string format_location(std::string_view location, const Colours& c) {
  if (!c.on) {
    return std::string(location);
  }
  // file:line:column: the last two colon-separated numbers.
  auto last = location.rfind(':');
  auto middle = last == std::string_view::npos ? last : location.rfind(':', last - 1);
  auto is_number = [](std::string_view text) {
    return !text.empty() && text.find_first_not_of("0123456789") == std::string_view::npos;
  };
  if (middle == std::string_view::npos || !is_number(location.substr(last + 1)) ||
      !is_number(location.substr(middle + 1, last - middle - 1))) {
    return c.cyan(location);
  }
  auto file = location.substr(0, middle);
  auto slash = file.rfind('/');
  std::string out;
  if (slash != std::string_view::npos) {
    out += c.dim_gray(file.substr(0, slash + 1));
    out += c.cyan(file.substr(slash + 1));
  } else {
    out += c.cyan(file);
  }
  out += ':';
  out += c.yellow(location.substr(middle + 1, last - middle - 1));
  out += ':';
  out += c.yellow(location.substr(last + 1));
  return out;
}

std::string format_frame(const JsFrame& frame, const Colours& c) {
  std::string out = frame.async ? "async " : "";
  if (frame.name && !frame.location) {  // Promise.all (index N)
    return out + c.italic_bold(*frame.name);
  }
  auto where = format_location(frame.location.value_or("<anonymous>"), c);
  if (frame.name) {
    return out + c.italic_bold(*frame.name) + " (" + where + ")";
  }
  return out + where;
}

// Deno's format_maybe_source_line: the line as written, then spaces (tabs kept) and a red
// caret under the column.
std::string format_source_line(const JsError& error, const Colours& c) {
  if (!error.source_line || error.source_line->empty() || error.source_column <= 0) {
    return "";
  }
  const auto& line = *error.source_line;
  if (static_cast<std::size_t>(error.source_column) > line.size()) {
    return "\n" + c.yellow("Warning") + " Couldn't format source line: Column " +
           std::to_string(error.source_column) +
           " is out of bounds (source may have changed at runtime)";
  }
  std::string caret;
  for (int i = 0; i < error.source_column - 1; ++i) {
    caret += line[static_cast<std::size_t>(i)] == '\t' ? '\t' : ' ';
  }
  caret += '^';
  return "\n" + line + "\n" + c.red(caret);
}

std::string format_inner(const JsError& error, bool with_source, const Colours& c) {
  std::string out = error.message;
  for (const auto& inner : error.aggregated) {
    std::istringstream lines(format_inner(inner, false, c));
    for (std::string line; std::getline(lines, line);) {
      out += "\n    " + line;
    }
  }
  if (with_source) {
    out += format_source_line(error, c);
  }
  for (const auto& frame : error.frames) {
    out += "\n    at " + format_frame(frame, c);
  }
  if (error.cause) {
    out += "\nCaused by: " + format_inner(*error.cause, false, c);
  }
  return out;
}

}  // namespace

std::string Colours::red(std::string_view text) const {
  return styled(on, "\x1b[31m", text);
}
std::string Colours::green(std::string_view text) const {
  return styled(on, "\x1b[32m", text);
}
std::string Colours::yellow(std::string_view text) const {
  return styled(on, "\x1b[33m", text);
}
std::string Colours::cyan(std::string_view text) const {
  return styled(on, "\x1b[36m", text);
}
std::string Colours::gray(std::string_view text) const {
  return styled(on, "\x1b[38;5;245m", text);
}
std::string Colours::dim_gray(std::string_view text) const {
  return styled(on, "\x1b[2m\x1b[38;5;245m", text);
}
std::string Colours::red_bold(std::string_view text) const {
  return styled(on, "\x1b[1m\x1b[31m", text);
}
std::string Colours::italic_bold(std::string_view text) const {
  return styled(on, "\x1b[1m\x1b[3m", text);
}
std::string Colours::white_bold_on_red(std::string_view text) const {
  return styled(on, "\x1b[1m\x1b[37m\x1b[41m", text);
}
std::string Colours::intense_blue(std::string_view text) const {
  return styled(on, "\x1b[38;5;12m", text);
}

bool use_colour(int fd) {
  const char* no_color = std::getenv("NO_COLOR");
  return ::isatty(fd) != 0 && !(no_color != nullptr && *no_color != '\0');
}

std::string human_elapsed(std::chrono::nanoseconds elapsed) {
  auto ns = elapsed.count();
  if (ns <= 0) {
    return "0ms";
  }
  if (ns < 1'000) {
    return std::to_string(ns) + "ns";
  }
  if (ns < 1'000'000) {
    return std::to_string(ns / 1'000) + "µs";
  }
  auto ms = ns / 1'000'000;
  if (ms < 1'000) {
    return std::to_string(ms) + "ms";
  }
  auto seconds = ms / 1'000;
  if (seconds < 60) {
    return std::to_string(seconds) + "s";
  }
  return std::to_string(seconds / 60) + "m" + std::to_string(seconds % 60) + "s";
}

std::string test_elapsed(double ms) {
  if (!(ms > 0)) {
    return "0ms";
  }
  return human_elapsed(std::chrono::nanoseconds(static_cast<long long>(std::llround(ms * 1e6))));
}

std::string step_elapsed(double ms) {
  if (!(ms > 0)) {
    return "0ms";
  }
  return human_elapsed(std::chrono::milliseconds(static_cast<long long>(std::floor(ms))));
}

std::string relative_url(std::string_view url, std::string_view cwd_url) {
  if (!url.starts_with("file://")) {
    return std::string(url);
  }
  std::string base(cwd_url);
  if (!base.ends_with('/')) {
    base += '/';
  }
  if (url.starts_with(base)) {
    return "./" + std::string(url.substr(base.size()));
  }
  // Up from the working folder until the URL is below it (Url::make_relative).
  std::string up;
  auto prefix = base;
  while (prefix.size() > std::string_view("file:///").size()) {
    prefix.pop_back();
    prefix.erase(prefix.rfind('/') + 1);
    up += "../";
    if (url.starts_with(prefix)) {
      return up + std::string(url.substr(prefix.size()));
    }
  }
  return std::string(url);
}

std::string format_test_error(const JsError& error, const Colours& colours) {
  return format_inner(error, true, colours);
}

}  // namespace tester
