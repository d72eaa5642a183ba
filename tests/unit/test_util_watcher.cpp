#include "support/temp_dir.hpp"

#include "util/files.hpp"
#include "util/watcher.hpp"

#include <doctest/doctest.h>

#include <algorithm>
#include <chrono>
#include <condition_variable>
#include <memory>
#include <mutex>
#include <thread>
#include <vector>

namespace {

namespace fs = std::filesystem;

// Only a guard against a watcher that never reports: the waits end as soon as it does.
constexpr auto k_give_up = std::chrono::seconds(60);

bool reported(const std::vector<fs::path>& paths, const fs::path& path) {
  return std::find(paths.begin(), paths.end(), path) != paths.end();
}

}  // namespace

TEST_SUITE_BEGIN("util");

TEST_CASE("util::FileWatcher reports changes made after watch_tree and before start") {
  test_support::TempDir dir;
  util::FileWatcher watcher;
  watcher.watch_tree(dir.path);
  util::write_file_atomic(dir.path / "early.ts", "export {};\n");  // waits in the kernel

  std::mutex mutex;
  std::condition_variable wake;
  std::vector<fs::path> seen;
  watcher.start([&](const std::vector<fs::path>& paths) {
    std::lock_guard lock(mutex);
    seen.insert(seen.end(), paths.begin(), paths.end());
    wake.notify_all();
  });
  std::unique_lock lock(mutex);
  CHECK(wake.wait_for(lock, k_give_up, [&] { return reported(seen, dir.path / "early.ts"); }));
}

// The server's pattern (server::serve): the callback reaches the watcher through a pointer
// that other threads read too, so the watcher is stopped, not destroyed, while a batch is
// being reported, and lives on after stop().
TEST_CASE("util::FileWatcher::stop waits for the batch being reported, which may use it") {
  test_support::TempDir dir;
  auto watcher = std::make_unique<util::FileWatcher>();
  watcher->watch_tree(dir.path);

  std::mutex mutex;
  std::condition_variable wake;
  int calls = 0;
  bool release = false;
  watcher->start([&](const std::vector<fs::path>&) {
    {
      std::unique_lock lock(mutex);
      ++calls;
      wake.notify_all();
      wake.wait(lock, [&] { return release; });
    }
    fs::create_directories(dir.path / "added");
    watcher->watch_tree(dir.path / "added");
  });
  util::write_file_atomic(dir.path / "a.ts", "export {};\n");
  {
    std::unique_lock lock(mutex);
    REQUIRE(wake.wait_for(lock, k_give_up, [&] { return calls == 1; }));
  }

  // stop() on another thread, while the callback is held: it must wait for the callback.
  std::thread stopper([&] { watcher->stop(); });
  {
    std::lock_guard lock(mutex);
    release = true;
    wake.notify_all();
  }
  stopper.join();
  CHECK(fs::is_directory(dir.path / "added"));  // the callback ran to its end first
  int calls_at_stop = 0;
  {
    std::lock_guard lock(mutex);
    calls_at_stop = calls;
  }
  watcher->watch_tree(dir.path);  // harmless once stopped
  watcher->stop();                // and so is a second stop
  std::lock_guard lock(mutex);
  CHECK(calls == calls_at_stop);
}

TEST_SUITE_END();
