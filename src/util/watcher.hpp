#pragma once

#include <filesystem>
#include <functional>
#include <mutex>
#include <set>
#include <string>
#include <thread>
#include <unordered_map>
#include <vector>

namespace util {

// Hot reload's eyes: inotify over folder trees (and single folders holding imported
// files), reporting changed paths in batches once they have been quiet for a moment.
// Editor droppings (`*~`, `.*.swp`, `*.tmp`, `.#*`, `___*`) are ignored.
class FileWatcher {
 public:
  using OnChange = std::function<void(const std::vector<std::filesystem::path>& paths)>;

  // Throws util::Error when inotify is unavailable. Folders may be watched before
  // start(): their changes wait in the kernel until the thread reads them.
  FileWatcher();
  ~FileWatcher();  // stop()s
  FileWatcher(const FileWatcher&) = delete;
  FileWatcher& operator=(const FileWatcher&) = delete;

  // Watches `dir` and every folder below it, including ones created later.
  void watch_tree(const std::filesystem::path& dir);
  // Watches just `dir` (the folder of a file imported from outside the functions folder).
  void watch_folder(const std::filesystem::path& dir);

  // Starts the thread that calls `on_change` with each batch; once only.
  void start(OnChange on_change);
  // Ends the thread, after the batch it may be reporting: no call of `on_change` follows.
  // The watcher object stays usable (watch_* are harmless), so that code on other threads
  // that still holds it needs no lock around it.
  void stop();

  // Whether a file name is an editor's temporary file.
  static bool ignored(const std::string& name);

 private:
  void add(const std::filesystem::path& dir, bool recursive);
  void run();

  OnChange m_on_change;
  int m_inotify = -1;
  int m_stop_pipe[2] = {-1, -1};
  std::mutex m_mutex;
  std::unordered_map<int, std::pair<std::filesystem::path, bool>> m_watches;  // wd -> dir, tree?
  std::set<std::filesystem::path> m_watched;
  std::thread m_thread;
};

}  // namespace util
