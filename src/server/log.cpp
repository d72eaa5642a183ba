#include "server/log.hpp"

#include <nlohmann/json.hpp>
#include <unistd.h>

#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <ctime>

namespace server {
namespace {

// A request path or a console line may hold invalid UTF-8 (a client's raw bytes): it is
// replaced, since nlohmann's default is to throw, which on a server thread ends the process.
std::string json_line(const nlohmann::json& fields) {
  return fields.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

bool wants_color(int fd) {
  const char* no_color = std::getenv("NO_COLOR");
  return ::isatty(fd) && !(no_color && *no_color);
}

std::string paint(bool on, const char* code, std::string_view text) {
  if (!on) {
    return std::string(text);
  }
  return std::string("\x1b[") + code + "m" + std::string(text) + "\x1b[0m";
}

}  // namespace

std::string log_timestamp() {
  // Written for every request line: the date part is formatted once per second.
  thread_local std::time_t cached_second = -1;
  thread_local char cached[24];
  auto since_epoch = std::chrono::system_clock::now().time_since_epoch();
  auto millis = std::chrono::duration_cast<std::chrono::milliseconds>(since_epoch).count();
  auto seconds = static_cast<std::time_t>(millis / 1000);
  if (seconds != cached_second) {
    std::tm utc{};
    gmtime_r(&seconds, &utc);
    std::strftime(cached, sizeof cached, "%Y-%m-%dT%H:%M:%S", &utc);
    cached_second = seconds;
  }
  auto fraction = static_cast<int>(millis % 1000);
  std::string out(cached);
  out += '.';
  out += static_cast<char>('0' + fraction / 100);
  out += static_cast<char>('0' + fraction / 10 % 10);
  out += static_cast<char>('0' + fraction % 10);
  out += 'Z';
  return out;
}

// The longest a buffered log line waits before it is written.
constexpr auto k_flush_interval = std::chrono::milliseconds(20);
// The most log text held back between flushes.
constexpr std::size_t k_batch_limit = 256 * 1024;

Logger::Logger(Format format)
    : m_format(format),
      m_color_out(wants_color(1)),
      m_color_err(wants_color(2)),
      m_batch_out(!::isatty(1)) {
  if (m_batch_out) {
    m_flusher = std::thread([this] {
      std::unique_lock lock(m_mutex);
      while (!m_stopping) {
        m_wake.wait_for(lock, k_flush_interval);
        flush_locked();
      }
    });
  }
}

Logger::Logger(Format format, LineSink sink)
    : m_format(format),
      m_sink(std::move(sink)),
      m_color_out(false),
      m_color_err(false),
      m_batch_out(false) {}

Logger::~Logger() {
  {
    std::lock_guard lock(m_mutex);
    m_stopping = true;
    flush_locked();
  }
  m_wake.notify_all();
  if (m_flusher.joinable()) {
    m_flusher.join();
  }
}

void Logger::flush_locked() {
  if (!m_pending_out.empty()) {
    std::fwrite(m_pending_out.data(), 1, m_pending_out.size(), stdout);
    std::fflush(stdout);
    m_pending_out.clear();
  }
}

void Logger::function_output(std::string_view slug, int fd, std::string_view line) {
  if (m_format == Format::json) {
    write(fd, json_line({{"time", log_timestamp()},
                         {"level", fd == 2 ? "error" : "info"},
                         {"function", slug},
                         {"message", line}}));
    return;
  }
  bool color = fd == 2 ? m_color_err : m_color_out;
  write(fd, paint(color, "36", "[" + std::string(slug) + "]") + " " + std::string(line));
}

void Logger::request(std::string_view slug, std::string_view method, std::string_view path,
                     int status, double milliseconds) {
  if (m_format == Format::json) {
    write(1, json_line(
                 {{"time", log_timestamp()},
                  {"level", "info"},
                  {"function", slug},
                  {"method", method},
                  {"path", path},
                  {"status", status},
                  {"ms", static_cast<double>(static_cast<long long>(milliseconds * 100)) / 100}}));
    return;
  }
  // One string built in place: this runs for every request.
  const char* color = status >= 500 ? "31" : status >= 400 ? "33" : "32";
  auto tenths = std::llround(milliseconds * 10);
  std::string line = log_timestamp();
  line.reserve(line.size() + slug.size() + method.size() + path.size() + 48);
  line += ' ';
  line += slug.empty() ? std::string_view("-") : slug;
  line += ' ';
  line += method;
  line += ' ';
  line += path;
  line += ' ';
  line += paint(m_color_out, color, std::to_string(status));
  line += ' ';
  line += std::to_string(tenths / 10);
  line += '.';
  line += static_cast<char>('0' + tenths % 10);
  line += "ms";
  write(1, line);
}

void Logger::event(std::string_view level, std::string_view message) {
  int fd = level == "error" || level == "warn" ? 2 : 1;
  if (m_format == Format::json) {
    write(fd, json_line({{"time", log_timestamp()}, {"level", level}, {"message", message}}));
    return;
  }
  bool color = fd == 2 ? m_color_err : m_color_out;
  std::string prefix = level == "error"  ? paint(color, "31", "error:")
                       : level == "warn" ? paint(color, "33", "warning:")
                                         : std::string();
  write(fd, prefix.empty() ? std::string(message) : prefix + " " + std::string(message));
}

void Logger::write(int fd, const std::string& line) {
  std::lock_guard lock(m_mutex);
  if (m_sink) {
    m_sink(fd, line);
    return;
  }
  if (fd == 1 && m_batch_out && !m_stopping) {
    m_pending_out += line;
    m_pending_out += '\n';
    // A function logging faster than stdout drains (a busy waitUntil task, a slow
    // reader of the pipe) waits here rather than growing the batch without end.
    if (m_pending_out.size() > k_batch_limit) {
      flush_locked();
    }
    return;
  }
  flush_locked();  // keeps stdout before stderr when both go to one file
  auto* stream = fd == 2 ? stderr : stdout;
  std::fwrite(line.data(), 1, line.size(), stream);
  std::fputc('\n', stream);
  std::fflush(stream);
}

}  // namespace server
