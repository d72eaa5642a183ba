// The module seam: a worker whose modules, files and resolution all come from objects the
// caller passes in (no folder on disk), as artifacts and inline code will.
#include "support/forwarding_provider.hpp"
#include "support/worker_fixture.hpp"

#include "runtime/runtime.hpp"

#include <doctest/doctest.h>

#include <map>
#include <string>

namespace {

using Files = std::map<std::string, std::string>;

// Maps bare specifiers the way an import map would; everything else as Deno resolves it.
class MappingResolver : public runtime::ModuleResolver {
 public:
  explicit MappingResolver(std::map<std::string, std::string> map) : m_map(std::move(map)) {}
  std::string resolve(const std::string& specifier, const std::string& referrer,
                      runtime::ResolutionKind /*kind*/) override {
    ++calls;
    if (auto it = m_map.find(specifier); it != m_map.end()) {
      return it->second;
    }
    return runtime::resolve_specifier(specifier, referrer);
  }
  int calls = 0;

 private:
  std::map<std::string, std::string> m_map;
};

const Files k_function = {
    {"file:///virtual/fn/index.ts",
     "import { greet } from './lib/greet.ts';\n"
     "import data from './data.json' with { type: 'json' };\n"
     "import { shout } from 'shout';\n"
     "const n: number = data.n;\n"
     "globalThis.out = { text: shout(greet('seam')), n, url: import.meta.url,\n"
     "  main: import.meta.main, resolved: import.meta.resolve('./lib/greet.ts') };\n"},
    {"file:///virtual/fn/lib/greet.ts",
     "export const greet = (who: string): string => `hello ${who}`;\n"},
    {"file:///virtual/fn/data.json", "{\"n\": 42}"},
    {"file:///virtual/shared/shout.js", "export const shout = (s) => s.toUpperCase();\n"},
    {"file:///virtual/fn/notes.txt", "plain bytes\n"},
    {"file:///virtual/secret.txt", "outside the function's folder\n"},
};

std::shared_ptr<MappingResolver> shout_resolver() {
  return std::make_shared<MappingResolver>(Files{{"shout", "file:///virtual/shared/shout.js"}});
}

runtime::WorkerOptions memory_options(std::shared_ptr<runtime::ModuleResolver> resolver) {
  runtime::WorkerOptions options;
  options.main_module = "file:///virtual/fn/index.ts";
  options.sources = runtime::make_memory_source_provider(k_function, "/virtual/fn");
  options.resolver = std::move(resolver);
  // Deliberately a folder that does not exist: nothing may be read from disk.
  options.root = "/nonexistent/sbfn-seam";
  return options;
}

}  // namespace

TEST_CASE("a worker boots from in-memory modules through a caller's resolver") {
  auto resolver = shout_resolver();
  test_support::ScriptWorker worker(memory_options(resolver));
  auto result = worker.eval("JSON.stringify(globalThis.out)");
  INFO(result.value);
  CHECK(result.value ==
        "{\"text\":\"HELLO SEAM\",\"n\":42,\"url\":\"file:///virtual/fn/index.ts\",\"main\":true,"
        "\"resolved\":\"file:///virtual/fn/lib/greet.ts\"}");
  CHECK(resolver->calls >= 4);  // three static imports and import.meta.resolve
  // A dynamic import goes through the same resolver and provider.
  auto dynamic = worker.eval("import('shout').then((m) => m.shout('again'))");
  CHECK(dynamic.value == "AGAIN");
}

TEST_CASE("Deno.readFile reads the provider's files, confined to the function's folder") {
  test_support::ScriptWorker worker(memory_options(shout_resolver()));
  CHECK(worker.eval("Deno.readTextFile('notes.txt')").value == "plain bytes\n");
  CHECK(worker.eval("Deno.readFile('/virtual/fn/notes.txt').then((b) => b.length)").value == "12");
  CHECK(worker.eval("Deno.readTextFileSync('./lib/greet.ts').startsWith('export')").value ==
        "true");
  auto outside = worker.eval(
      "Deno.readTextFile('../secret.txt').catch((e) => "
      "`${e instanceof Deno.errors.PermissionDenied} ${e.message}`)");
  CHECK(outside.value ==
        "true Requires read access to \"/virtual/secret.txt\", which is outside the function's "
        "folder");
  auto missing = worker.eval(
      "Deno.readTextFile('nope.txt').catch((e) => `${e instanceof Deno.errors.NotFound}`)");
  CHECK(missing.value == "true");
}

TEST_CASE("a module the provider does not hold fails the boot with its URL") {
  auto options = memory_options(nullptr);  // no mapping for 'shout': a bare specifier
  test_support::ScriptWorker worker(options);
  auto result = worker.eval("1");
  CHECK(result.type == "throws");
  auto lines = worker.output();
  REQUIRE(!lines.empty());
  CHECK(lines[0].find("Relative import path \"shout\" not prefixed with / or ./ or ../") !=
        std::string::npos);

  Files files = {{"file:///m/index.js", "import './missing.js';"}};
  runtime::WorkerOptions missing;
  missing.main_module = "file:///m/index.js";
  missing.sources = runtime::make_memory_source_provider(files, "/m");
  test_support::ScriptWorker second(missing);
  CHECK(second.eval("1").type == "throws");
  auto second_lines = second.output();
  REQUIRE(!second_lines.empty());
  CHECK(second_lines[0].find("Module not found \"file:///m/missing.js\"") != std::string::npos);
}

// A provider whose every module carries a code cache that belongs to no code: V8 rejects
// it and compiles from source, so a stale cache can cost time but never behaviour.
class StaleCacheProvider : public test_support::ForwardingProvider {
 public:
  using ForwardingProvider::ForwardingProvider;
  runtime::ModuleSource load(const std::string& url, std::size_t max_bytes) override {
    auto source = ForwardingProvider::load(url, max_bytes);
    source.code_cache = std::string(256, '\x5a');
    return source;
  }
};

TEST_CASE("a code cache that does not match its module is ignored") {
  auto resolver = shout_resolver();
  auto options = memory_options(resolver);
  options.sources = std::make_shared<StaleCacheProvider>(options.sources);
  test_support::ScriptWorker worker(options);
  CHECK(worker.eval("globalThis.out.text").value == "HELLO SEAM");
}
