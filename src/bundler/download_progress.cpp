#include "bundler/download_progress.hpp"

#include "util/files.hpp"
#include "util/human_size.hpp"

#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <map>
#include <memory>
#include <mutex>
#include <string>

namespace bundler {
namespace {

class TerminalProgress {
 public:
  explicit TerminalProgress(int fd) : m_fd(fd) {}

  void report(const std::string& url, std::size_t bytes, bool done) {
    std::lock_guard lock(m_mutex);
    if (done) {
      m_active.erase(url);
      write("\r\x1b[KDownload " + url + " (" + util::human_size(bytes) + ")\n");
      draw_status();
      return;
    }
    m_active[url] = bytes;
    auto now = std::chrono::steady_clock::now();
    if (now - m_last_draw > std::chrono::milliseconds(100)) {
      m_last_draw = now;
      draw_status();
    }
  }

 private:
  // Redrawn in place, cleared when nothing is in flight.
  void draw_status() {
    if (m_active.empty()) {
      write("\r\x1b[K");
      return;
    }
    std::size_t total = 0;
    for (const auto& [url, bytes] : m_active) {
      total += bytes;
    }
    write("\r\x1b[KDownloading " + std::to_string(m_active.size()) + " file" +
          (m_active.size() == 1 ? "" : "s") + ", " + util::human_size(total) + ": " +
          m_active.begin()->first.substr(0, 60));
  }

  void write(const std::string& text) { util::write_all(m_fd, text); }  // best effort

  int m_fd;
  std::mutex m_mutex;
  std::map<std::string, std::size_t> m_active;
  std::chrono::steady_clock::time_point m_last_draw;
};

}  // namespace

DownloadReporter terminal_download_progress(int fd) {
  if (::isatty(fd) == 0) {
    return {};
  }
  auto progress = std::make_shared<TerminalProgress>(fd);
  return [progress](const std::string& url, std::size_t bytes, bool done) {
    progress->report(url, bytes, done);
  };
}

}  // namespace bundler
