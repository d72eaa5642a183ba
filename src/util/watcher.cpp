#include "util/watcher.hpp"

#include "util/error.hpp"

#include <poll.h>
#include <sys/inotify.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstring>

namespace util {
namespace {

// Quiet time that closes a batch of changes: one save often means several events, all
// within a millisecond or so (truncate, writes, close; or write a temporary file and
// rename it). Longer would only delay every reload: a save caught half-way is followed by
// the events of its second half, and the reload after them serves the whole file.
constexpr int k_debounce_ms = 5;

constexpr uint32_t k_events = IN_CLOSE_WRITE | IN_MODIFY | IN_CREATE | IN_DELETE | IN_MOVED_FROM |
                              IN_MOVED_TO | IN_DELETE_SELF;

bool skipped_folder(const std::string& name) {
  return name == ".git" || name == "node_modules" || name == ".vscode" || name == ".idea" ||
         name == "vendor";
}

}  // namespace

bool FileWatcher::ignored(const std::string& name) {
  auto ends_with = [&](std::string_view suffix) {
    return name.size() >= suffix.size() &&
           name.compare(name.size() - suffix.size(), suffix.size(), suffix) == 0;
  };
  return name.empty() || ends_with("~") || ends_with(".tmp") || name.starts_with(".#") ||
         name.starts_with("___") ||
         (name.starts_with(".") && (ends_with(".swp") || ends_with(".swx") || ends_with(".swo")));
}

FileWatcher::FileWatcher() {
  m_inotify = inotify_init1(IN_NONBLOCK | IN_CLOEXEC);
  if (m_inotify < 0 || pipe(m_stop_pipe) != 0) {
    auto reason = std::string("cannot watch files for hot reload: ") + std::strerror(errno);
    if (m_inotify >= 0) {
      close(m_inotify);
    }
    throw util::Error(reason);
  }
}

void FileWatcher::start(OnChange on_change) {
  m_on_change = std::move(on_change);
  m_thread = std::thread([this] { run(); });
}

void FileWatcher::stop() {
  if (!m_thread.joinable()) {
    return;
  }
  char byte = 0;
  if (write(m_stop_pipe[1], &byte, 1) < 0) {
    // The thread then ends at its next event; nothing better to do.
  }
  m_thread.join();
}

FileWatcher::~FileWatcher() {
  stop();
  close(m_stop_pipe[0]);
  close(m_stop_pipe[1]);
  close(m_inotify);
}

void FileWatcher::watch_tree(const std::filesystem::path& dir) {
  add(dir, true);
}

void FileWatcher::watch_folder(const std::filesystem::path& dir) {
  add(dir, false);
}

void FileWatcher::add(const std::filesystem::path& dir, bool recursive) {
  std::error_code ec;
  if (!std::filesystem::is_directory(dir, ec)) {
    return;
  }
  {
    std::lock_guard lock(m_mutex);
    if (m_watched.insert(dir).second) {
      int wd = inotify_add_watch(m_inotify, dir.c_str(), k_events);
      if (wd >= 0) {
        m_watches[wd] = {dir, recursive};
      }
    }
  }
  if (!recursive) {
    return;
  }
  for (const auto& entry : std::filesystem::directory_iterator(dir, ec)) {
    auto name = entry.path().filename().string();
    if (entry.is_directory(ec) && !skipped_folder(name)) {
      add(entry.path(), true);
    }
  }
}

void FileWatcher::run() {
  std::vector<std::filesystem::path> batch;
  alignas(inotify_event) char buffer[16 * 1024];
  for (;;) {
    pollfd fds[2] = {{m_inotify, POLLIN, 0}, {m_stop_pipe[0], POLLIN, 0}};
    int ready = poll(fds, 2, batch.empty() ? -1 : k_debounce_ms);
    if (ready < 0 && errno == EINTR) {
      continue;
    }
    if (fds[1].revents) {
      return;
    }
    if (ready == 0) {
      m_on_change(batch);
      batch.clear();
      continue;
    }
    for (;;) {
      auto length = read(m_inotify, buffer, sizeof buffer);
      if (length <= 0) {
        break;
      }
      for (char* p = buffer; p < buffer + length;) {
        auto* event = reinterpret_cast<inotify_event*>(p);
        p += sizeof(inotify_event) + event->len;
        std::filesystem::path dir;
        bool tree = false;
        {
          std::lock_guard lock(m_mutex);
          auto it = m_watches.find(event->wd);
          if (it == m_watches.end()) {
            continue;
          }
          std::tie(dir, tree) = it->second;
          if (event->mask & (IN_DELETE_SELF | IN_IGNORED)) {
            m_watched.erase(dir);
            m_watches.erase(it);
          }
        }
        std::string name = event->len ? event->name : "";
        if (event->len && ignored(name)) {
          continue;
        }
        auto path = event->len ? dir / name : dir;
        if (tree && (event->mask & IN_ISDIR) && (event->mask & (IN_CREATE | IN_MOVED_TO)) &&
            !skipped_folder(name)) {
          add(path, true);
        }
        batch.push_back(path);
      }
    }
  }
}

}  // namespace util
