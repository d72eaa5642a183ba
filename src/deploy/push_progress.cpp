#include "deploy/push_progress.hpp"

#include "util/files.hpp"
#include "util/human_size.hpp"

#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <cstring>
#include <map>
#include <memory>
#include <mutex>
#include <string>

namespace deploy {
namespace {

using Event = registry::BlobProgress::Event;
using Clock = std::chrono::steady_clock;

constexpr int k_bar_width = 30;

std::string short_digest(const std::string& digest) {
  return digest.substr(0, std::min<std::size_t>(digest.size(), 19));
}

// The line that ends a blob's story, or none for an event in the middle of it.
std::string final_line(const registry::BlobProgress& progress) {
  const char* what = nullptr;
  switch (progress.event) {
    case Event::Exists:
      what = "already in the registry";
      break;
    case Event::Mounted:
      what = "mounted";
      break;
    case Event::Uploaded:
      what = "pushed";
      break;
    default:
      return {};
  }
  char line[160];
  std::snprintf(line, sizeof line, "  %s  %10s  %s\n", short_digest(progress.digest).c_str(),
                util::human_size(progress.size).c_str(), what);
  return line;
}

class ProgressWriter {
 public:
  ProgressWriter(int fd, bool bars) : m_fd(fd), m_bars(bars) {}

  void report(const registry::BlobProgress& progress) {
    std::lock_guard lock(m_mutex);
    std::string done = final_line(progress);
    if (!m_bars) {
      if (progress.event == Event::Started) {
        char line[160];
        std::snprintf(line, sizeof line, "  %s  %10s  uploading\n",
                      short_digest(progress.digest).c_str(),
                      util::human_size(progress.size).c_str());
        done = line;
      } else if (progress.event == Event::Resumed) {
        done = "  " + short_digest(progress.digest) + "  connection dropped; resuming at " +
               util::human_size(progress.bytes) + "\n";
      }
      write(done);
      return;
    }
    if (!done.empty()) {
      m_active.erase(progress.digest);
      redraw(done);
      return;
    }
    if (progress.event == Event::Resumed) {
      redraw("  " + short_digest(progress.digest) + "  connection dropped; resuming at " +
             util::human_size(progress.bytes) + "\n");
    }
    m_active[progress.digest] = {progress.bytes, progress.size};
    const auto now = Clock::now();
    if (progress.event == Event::Started || now - m_last_draw > std::chrono::milliseconds(100)) {
      redraw({});
    }
  }

 private:
  struct Upload {
    std::uint64_t bytes = 0;
    std::uint64_t size = 0;
  };

  // Clears the bars drawn last time, writes `above` (finished blobs), then the bars again.
  void redraw(const std::string& above) {
    m_last_draw = Clock::now();
    std::string out;
    if (m_drawn > 0) {
      out += "\x1b[" + std::to_string(m_drawn) + "F\x1b[J";  // up to the first bar; clear
    }
    out += above;
    for (const auto& [digest, upload] : m_active) {
      const int filled = upload.size == 0
                             ? k_bar_width
                             : static_cast<int>(k_bar_width * static_cast<double>(upload.bytes) /
                                                static_cast<double>(upload.size));
      out += "  " + short_digest(digest) + "  [" + std::string(filled, '#') +
             std::string(k_bar_width - filled, '.') + "]  " + util::human_size(upload.bytes) +
             " / " + util::human_size(upload.size) + "\n";
    }
    m_drawn = m_active.size();
    write(out);
  }

  void write(const std::string& text) { util::write_all(m_fd, text); }  // best effort

  int m_fd;
  bool m_bars;
  std::mutex m_mutex;
  std::map<std::string, Upload> m_active;  // by digest: a stable order on screen
  std::size_t m_drawn = 0;
  Clock::time_point m_last_draw;
};

}  // namespace

std::function<void(const registry::BlobProgress&)> push_progress(int fd) {
  const char* term = std::getenv("TERM");
  const bool bars = ::isatty(fd) != 0 && !(term && std::strcmp(term, "dumb") == 0);
  auto writer = std::make_shared<ProgressWriter>(fd, bars);
  return [writer](const registry::BlobProgress& progress) { writer->report(progress); };
}

}  // namespace deploy
