#pragma once

#include <mutex>
#include <string>
#include <string_view>

namespace server {

// What the server prints for people (or, with --log-format json, log collectors).
class Logger {
 public:
  enum class Format { text, json };
  explicit Logger(Format format);

  // A line of a function's console output.
  void function_output(std::string_view slug, int fd, std::string_view line);
  // One line per finished request.
  void request(std::string_view slug, std::string_view method, std::string_view path, int status,
               double milliseconds);
  // Server events: start-up, boot failures, limits, shutdown.
  void event(std::string_view level, std::string_view message);

 private:
  void write(int fd, const std::string& line);
  Format m_format;
  bool m_color_out;
  bool m_color_err;
  std::mutex m_mutex;
};

// RFC 3339 UTC time with milliseconds, for log lines.
std::string log_timestamp();

}  // namespace server
