// The download cache: whole entries or none, whoever writes at the same time.
#include "bundler/cache.hpp"
#include "util/files.hpp"
#include "util/hash.hpp"

#include <doctest/doctest.h>
#include <unistd.h>

#include <atomic>
#include <filesystem>
#include <set>
#include <stdexcept>
#include <thread>
#include <vector>

namespace fs = std::filesystem;

namespace {

struct TempDir {
  fs::path path = fs::temp_directory_path() / ("sbfn-cache-test-" + std::to_string(::getpid()) +
                                               "-" + std::to_string(counter()++));
  TempDir() { fs::create_directories(path); }
  ~TempDir() { fs::remove_all(path); }
  static std::atomic<int>& counter() {
    static std::atomic<int> n{0};
    return n;
  }
};

}  // namespace

TEST_CASE("bundler::Cache stores blobs by content and refuses a damaged one") {
  TempDir dir;
  bundler::Cache cache(dir.path);
  auto hash = cache.put_blob("export const x = 1;\n");
  CHECK(hash == util::sha256_hex("export const x = 1;\n"));
  CHECK(cache.blob(hash) == "export const x = 1;\n");
  CHECK(cache.put_blob("export const x = 1;\n") == hash);  // same content, same entry
  util::write_file_atomic(cache.blob_path(hash), "tampered");
  CHECK_FALSE(cache.blob(hash).has_value());
  CHECK_FALSE(cache.blob("not-a-hash").has_value());
}

TEST_CASE("bundler::Cache keys records by any string, in one file each") {
  TempDir dir;
  bundler::Cache cache(dir.path);
  cache.put_record("npm", "@scope/name", "{\"a\":1}");
  cache.put_record("remote", "https://example.com/a.ts?x=1", "meta");
  cache.put_record("remote", std::string(500, 'k'), "long");
  CHECK(cache.record("npm", "@scope/name") == "{\"a\":1}");
  CHECK(cache.record("remote", "https://example.com/a.ts?x=1") == "meta");
  CHECK(cache.record("remote", std::string(500, 'k')) == "long");
  CHECK_FALSE(cache.record("npm", "@scope%2Fname").has_value());  // no aliasing by escape
  CHECK(fs::exists(dir.path / "npm" / "@scope%2fname"));
  // Nothing escapes the cache, whatever the key.
  cache.put_record("npm", "../../escape", "x");
  CHECK_FALSE(fs::exists(dir.path.parent_path() / "escape"));
}

TEST_CASE("bundler::Cache fills a directory once, even when several fill it at the same time") {
  TempDir dir;
  bundler::Cache cache(dir.path);
  std::atomic<int> fills{0};
  std::vector<std::thread> threads;
  std::vector<fs::path> results(6);
  for (std::size_t i = 0; i < results.size(); ++i) {
    threads.emplace_back([&, i] {
      results[i] = cache.directory("npm", "pkg@1.0.0", [&](const fs::path& tmp) {
        ++fills;
        util::write_file_atomic(tmp / "package.json", "{\"name\":\"pkg\"}");
        std::this_thread::sleep_for(std::chrono::milliseconds(20));
        util::write_file_atomic(tmp / "lib" / "index.js", "module.exports = 1;");
      });
    });
  }
  for (auto& thread : threads) {
    thread.join();
  }
  CHECK(fills >= 1);
  for (const auto& path : results) {
    CHECK(path == results[0]);
  }
  CHECK(util::read_file(results[0] / "lib" / "index.js") == "module.exports = 1;");
  // No temporary directories are left beside the entry and its list of files.
  std::set<std::string> entries;
  for (const auto& entry : fs::directory_iterator(dir.path / "npm")) {
    entries.insert(entry.path().filename().string());
  }
  CHECK(entries == std::set<std::string>{"pkg@1.0.0", "pkg@1.0.0.files"});
}

TEST_CASE("bundler::Cache fills a directory again when a file of it was cut short or deleted") {
  TempDir dir;
  bundler::Cache cache(dir.path);
  int fills = 0;
  auto fill = [&](const fs::path& tmp) {
    ++fills;
    util::write_file_atomic(tmp / "package.json", "{\"name\":\"pkg\"}");
    util::write_file_atomic(tmp / "lib" / "index.js", "module.exports = 1;");
  };
  auto path = cache.directory("npm", "pkg@1.0.0", fill);
  CHECK(cache.existing_directory("npm", "pkg@1.0.0"));
  fs::resize_file(path / "lib" / "index.js", 5);
  CHECK_FALSE(cache.existing_directory("npm", "pkg@1.0.0"));
  CHECK_FALSE(fs::exists(path));
  cache.directory("npm", "pkg@1.0.0", fill);
  CHECK(fills == 2);
  CHECK(util::read_file(path / "lib" / "index.js") == "module.exports = 1;");
  fs::remove(path / "package.json");
  cache.directory("npm", "pkg@1.0.0", fill);
  CHECK(fills == 3);
  // An entry from before the lists (none beside it) is taken as it is.
  fs::remove(fs::path(path.string() + ".files"));
  fs::remove(path / "package.json");
  cache.directory("npm", "pkg@1.0.0", fill);
  CHECK(fills == 3);
}

TEST_CASE("bundler::Cache leaves nothing behind when filling fails") {
  TempDir dir;
  bundler::Cache cache(dir.path);
  CHECK_THROWS_AS(cache.directory("npm", "broken@1.0.0",
                                  [](const fs::path& tmp) {
                                    util::write_file_atomic(tmp / "half", "x");
                                    throw std::runtime_error("tarball cut off");
                                  }),
                  std::runtime_error);
  CHECK_FALSE(cache.existing_directory("npm", "broken@1.0.0").has_value());
  CHECK(fs::is_empty(dir.path / "npm"));
}
