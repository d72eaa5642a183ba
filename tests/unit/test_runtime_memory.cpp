// One memory limit for all of a worker's memory: the V8 heap and what lies outside it.
// Every case here ended the whole process, or read without end, before the budget.
#include "support/worker_fixture.hpp"

#include "runtime/memory_budget.hpp"

#include <doctest/doctest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <string>

namespace fs = std::filesystem;

namespace {

constexpr std::size_t MiB = std::size_t{1} << 20;

// A function folder in the temp dir, removed at the end.
class TempDir {
 public:
  TempDir() {
    static std::atomic<int> counter{0};
    m_path = fs::temp_directory_path() /
             ("sbfn-memory-" + std::to_string(::getpid()) + "-" + std::to_string(counter++));
    fs::create_directories(m_path);
  }
  ~TempDir() {
    std::error_code ignored;
    fs::remove_all(m_path, ignored);
  }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  const fs::path& path() const { return m_path; }

 private:
  fs::path m_path;
};

test_support::ScriptWorker worker_with(std::size_t memory_limit_mb, const fs::path& root = {}) {
  runtime::WorkerOptions options;
  options.limits.memory_limit_mb = memory_limit_mb;
  options.root = root;
  return test_support::ScriptWorker(options);
}

// The snippet's error as "Name: message", or "ok".
std::string outcome(const std::string& body) {
  return "try { " + body + "; 'ok' } catch (e) { e.name + ': ' + e.message }";
}

}  // namespace

TEST_SUITE_BEGIN("runtime");

TEST_CASE("runtime::MemoryBudget charges external bytes against heap + external <= limit") {
  runtime::MemoryBudget budget(100);
  budget.set_measured(40);
  CHECK(budget.try_charge(50));
  CHECK(budget.remaining() == 10);
  CHECK_FALSE(budget.try_charge(11));
  CHECK(budget.external() == 50);  // a refused charge leaves nothing behind
  CHECK(budget.try_charge(10));
  CHECK_FALSE(budget.over());
  budget.set_measured(60);  // the heap grew: now over, and nothing more is granted
  CHECK(budget.over());
  CHECK(budget.remaining() == 0);
  CHECK_FALSE(budget.try_charge(1));
  budget.release(60);
  CHECK(budget.external() == 0);
  CHECK_FALSE(budget.try_charge(SIZE_MAX));  // no overflow into a grant
}

TEST_CASE("runtime::memory an ArrayBuffer past the limit is a RangeError in the function") {
  auto worker = worker_with(64);
  CHECK(worker.eval(outcome("new Uint8Array(2 ** 31).fill(1)")).value ==
        "RangeError: Array buffer allocation failed");
  // Buffers kept across calls add up: the third 25 MB one does not fit in 64 MB.
  CHECK(worker.eval(outcome("globalThis.kept = [new Uint8Array(25 * 2 ** 20).fill(1)]")).value ==
        "ok");
  CHECK(worker.eval(outcome("kept.push(new Uint8Array(25 * 2 ** 20).fill(1))")).value == "ok");
  CHECK(worker.eval(outcome("kept.push(new Uint8Array(25 * 2 ** 20).fill(1))")).value ==
        "RangeError: Array buffer allocation failed");
  // The worker lives on, and what was freed can be allocated again.
  CHECK(worker.eval("kept.length").value == "2");
  CHECK(worker.eval(outcome("kept.pop(); kept.push(new Uint8Array(20 * 2 ** 20))")).value == "ok");
}

TEST_CASE("runtime::memory native ops check sizes instead of ending the process") {
  auto worker = worker_with(1024);
  // 2^29 zero bytes (calloc: never touched) decode to more than V8's longest string.
  CHECK(worker.eval(outcome("new TextDecoder().decode(new Uint8Array(2 ** 29))")).value ==
        "RangeError: Invalid string length");
  auto small = worker_with(64);
  CHECK(small.eval(outcome("new TextDecoder().decode(new Uint8Array(2 ** 31 + 16))")).value ==
        "RangeError: Array buffer allocation failed");
  CHECK(small.eval(outcome("new TextEncoder().encode('\\u00e9'.repeat(2 ** 25))")).value ==
        "RangeError: Array buffer allocation failed");
  CHECK(small.eval(outcome("new Blob(['\\u00e9'.repeat(2 ** 25)])")).value ==
        "RangeError: Array buffer allocation failed");
  // The serialised copy is charged too: 40 MB of bytes cannot be cloned within 64 MB.
  CHECK(small.eval(outcome("structuredClone(new Uint8Array(40 * 2 ** 20))")).value ==
        "DataCloneError: Data cannot be cloned, out of memory.");
  CHECK(small.eval(outcome("structuredClone({ ok: 'yes' }).ok === 'yes' || boom()")).value == "ok");
}

TEST_CASE("runtime::memory a dynamic import of an endless specifier fails, quickly") {
  auto worker = worker_with(256);
  auto result = worker.eval(
      "import('./' + 'a'.repeat(2 ** 24)).then(() => 'loaded', (e) => "
      "e.name + ': ' + e.message)");
  CHECK(result.value ==
        "TypeError: Module specifier is too long (16777218 characters; the limit is 1048576)");
}

TEST_CASE("runtime::memory file reads refuse FIFOs and files larger than the budget") {
  TempDir dir;
  REQUIRE(::mkfifo((dir.path() / "pipe").c_str(), 0600) == 0);
  REQUIRE(::mkfifo((dir.path() / "pipe.js").c_str(), 0600) == 0);
  { std::ofstream sparse(dir.path() / "big.bin", std::ios::binary); }
  fs::resize_file(dir.path() / "big.bin", 100 * MiB);  // sparse: no disk, no reading
  std::ofstream(dir.path() / "small.txt") << "small";
  auto worker = worker_with(64, dir.path());
  auto read = [&](const std::string& name) {
    return worker
        .eval("Deno.readFile('./" + name +
              "').then((b) => 'read ' + b.length, (e) => e.name + ': ' + e.message)")
        .value;
  };
  CHECK(read("small.txt") == "read 5");
  CHECK(read("pipe").starts_with("InvalidData: Not a regular file: readfile '"));
  CHECK(read("big.bin").starts_with("RangeError: readfile '"));
  CHECK(read("big.bin").ends_with("is larger than the worker's remaining memory"));
  auto imported = worker.eval("import('file://" + (dir.path() / "pipe.js").string() +
                              "').then(() => 'loaded', (e) => e.name + ': ' + e.message)");
  CHECK(imported.value.starts_with("PermissionDenied: Requires read access to \""));
  CHECK(imported.value.ends_with("pipe.js\", which is not a regular file"));
}

TEST_CASE("runtime::memory a heap over the limit ends the worker, logged once") {
  auto worker = worker_with(32);
  auto future = worker.worker().eval(
      "globalThis.hog = []; for (;;) hog.push(new Array(100000).fill(Math.random()))");
  REQUIRE(future.wait_for(std::chrono::seconds(30)) == std::future_status::ready);
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
  while (worker.worker().state() != runtime::WorkerState::terminated &&
         worker.worker().state() != runtime::WorkerState::failed &&
         std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  CHECK((worker.worker().state() == runtime::WorkerState::failed ||
         worker.worker().state() == runtime::WorkerState::terminated));
  int lines = 0;
  for (const auto& line : worker.output()) {
    lines += line.find("memory limit") != std::string::npos ? 1 : 0;
  }
  CHECK(lines == 1);
}

TEST_CASE("runtime::memory buffers kept under the limit plus a growing heap end the worker") {
  auto worker = worker_with(64);
  auto future = worker.worker().eval(
      "globalThis.held = new Uint8Array(50 * 2 ** 20).fill(1); globalThis.hog = [];"
      "for (;;) hog.push(new Array(10000).fill(Math.random()))");
  REQUIRE(future.wait_for(std::chrono::seconds(30)) == std::future_status::ready);
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
  while (worker.worker().state() != runtime::WorkerState::failed &&
         worker.worker().state() != runtime::WorkerState::terminated &&
         std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  bool logged = false;
  for (const auto& line : worker.output()) {
    logged = logged || line.find("memory limit reached (64 MB") != std::string::npos;
  }
  CHECK(logged);
}

TEST_CASE("runtime::memory Array.prototype.fill and JSON.parse keep their behaviour") {
  auto worker = worker_with(256);
  CHECK(worker.eval("[1, 2, 3, 4].fill(0, 1, -1).join()").value == "1,0,0,4");
  CHECK(worker.eval("Array.prototype.fill.length + Array.prototype.fill.name").value == "1fill");
  CHECK(worker.eval("Object.keys(Array.prototype).includes('fill')").value == "false");
  // Longer than V8's fast arrays: filled in slices, with the same result.
  CHECK(worker
            .eval("const a = new Array(2 ** 25 + 8).fill(7, -3);"
                  "[a[2 ** 25 + 4], a[2 ** 25 + 5], a[2 ** 25 + 7], a.length].join()")
            .value == ",7,7,33554440");
  CHECK(worker.eval("JSON.parse('{\"a\":[1,2]}', (k, v) => k === 'a' ? v.length : v).a").value ==
        "2");
  CHECK(worker.eval("JSON.parse.length + JSON.parse.name").value == "2parse");
}

TEST_SUITE_END();
