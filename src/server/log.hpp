#pragma once

#include <condition_variable>
#include <functional>
#include <mutex>
#include <string>
#include <string_view>
#include <thread>

namespace server {

// What the server prints for people (or, with --log-format json, log collectors).
class Logger {
 public:
  enum class Format { text, json };
  explicit Logger(Format format);
  // Lines go to `sink` instead of stdout/stderr (uncoloured): a server inside another
  // command (`sbfn test`) whose log is shown only where it helps.
  using LineSink = std::function<void(int fd, const std::string& line)>;
  Logger(Format format, LineSink sink);
  ~Logger();  // writes out what is still buffered

  // A line of a function's console output.
  void function_output(std::string_view slug, int fd, std::string_view line);
  // One line per finished request.
  void request(std::string_view slug, std::string_view method, std::string_view path, int status,
               double milliseconds);
  // Server events: start-up, boot failures, limits, shutdown.
  void event(std::string_view level, std::string_view message);

 private:
  void write(int fd, const std::string& line);
  void flush_locked();
  Format m_format;
  LineSink m_sink;
  bool m_color_out;
  bool m_color_err;
  // stdout lines to a pipe or file are written in batches (a write per request line
  // costs a system call on the hot path); on a terminal each line goes out at once.
  bool m_batch_out;
  std::string m_pending_out;
  bool m_stopping = false;
  std::mutex m_mutex;
  std::condition_variable m_wake;
  std::thread m_flusher;
};

// RFC 3339 UTC time with milliseconds, for log lines.
std::string log_timestamp();

}  // namespace server
