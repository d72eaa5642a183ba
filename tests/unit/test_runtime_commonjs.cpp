// The CommonJS half of the module seam, as the bundler will drive it: a resolver that
// maps bare names (and is told whether an `import` or a `require` asks), and a provider
// that marks a package's `.js` files as CommonJS (MediaType::commonjs), as package.json
// "type" decides. Everything comes from memory; nothing is read from disk.
#include "support/forwarding_provider.hpp"
#include "support/worker_fixture.hpp"

#include "runtime/runtime.hpp"

#include <doctest/doctest.h>

#include <map>
#include <string>
#include <vector>

namespace {

using Files = std::map<std::string, std::string>;

constexpr const char* k_package = "file:///virtual/node_modules/pkg/";

// Bare "pkg" resolves by kind, as package.json "exports" conditions would: `require`
// gets the CommonJS entry, `import` the ES one. Every call is recorded.
class PackageResolver : public runtime::ModuleResolver {
 public:
  std::string resolve(const std::string& specifier, const std::string& referrer,
                      runtime::ResolutionKind kind) override {
    bool require = kind == runtime::ResolutionKind::require;
    calls.push_back((require ? "require " : "import ") + specifier);
    if (specifier == "pkg") {
      return std::string(k_package) + (require ? "index.js" : "esm.mjs");
    }
    if (specifier.rfind("pkg/", 0) == 0) {
      return std::string(k_package) + specifier.substr(4);
    }
    if (specifier == "buffer-alias") {
      return "node:buffer";  // a resolver may hand built-ins back as node: URLs
    }
    if (specifier == "unresolvable") {
      throw util::Error("Could not find package 'unresolvable' from '" + referrer + "'");
    }
    return runtime::resolve_specifier(specifier, referrer);
  }
  std::vector<std::string> calls;
};

// What the bundler's provider does for a package without "type": "module": its `.js`
// files are CommonJS.
class PackageProvider : public test_support::ForwardingProvider {
 public:
  explicit PackageProvider(Files files)
      : ForwardingProvider(runtime::make_memory_source_provider(std::move(files), "/virtual/fn")) {}
  runtime::ModuleSource load(const std::string& url, std::size_t max_bytes) override {
    auto source = ForwardingProvider::load(url, max_bytes);
    if (url.rfind(k_package, 0) == 0 && url.ends_with(".js")) {
      source.media_type = runtime::MediaType::commonjs;
    }
    return source;
  }
};

const Files k_files = {
    {"file:///virtual/fn/index.mjs",
     "import { add as esmAdd } from 'pkg';\n"
     "import pkg, { add, fromHelper } from 'pkg/index.js';\n"
     "import * as cjs from './lib.cjs';\n"
     "globalThis.out = { esm: esmAdd(), sum: add(2, 3), fromHelper, viaDefault: pkg.add(1, 1),\n"
     "  keys: Object.keys(cjs).sort().join(), version: cjs.version };\n"},
    {"file:///virtual/fn/lib.cjs", "module.exports = require('pkg/reexport.js');\n"},
    {"file:///virtual/node_modules/pkg/index.js",
     "const { EventEmitter } = require('events');\n"
     "const helper = require('./helper.js');\n"
     "exports.add = (a, b) => a + b;\n"
     "exports.fromHelper = helper.name;\n"
     "exports.emitter = typeof EventEmitter;\n"
     "exports.data = require('./data.json');\n"
     "exports.bufferAlias = require('buffer-alias').Buffer === Buffer;\n"
     "exports.resolved = require.resolve('./helper.js');\n"
     "exports.filename = __filename;\n"},
    {"file:///virtual/node_modules/pkg/helper.js", "exports.name = 'helper';\n"},
    {"file:///virtual/node_modules/pkg/data.json", "{\"n\": 7}"},
    {"file:///virtual/node_modules/pkg/reexport.js",
     "module.exports = require('./versioned.js');\n"},
    {"file:///virtual/node_modules/pkg/versioned.js", "exports.version = '1.2.3';\n"},
    {"file:///virtual/node_modules/pkg/esm.mjs", "export const add = () => 'esm entry';\n"},
    {"file:///virtual/node_modules/pkg/thrower.js",
     "exports.fail = function fail() {\n"
     "  throw new Error('from the package');\n"
     "};\n"},
    {"file:///virtual/fn/typed.cts",
     "interface Shape { sides: number }\n"
     "const square: Shape = { sides: 4 };\n"
     "exports.sides = square.sides;\n"
     "exports.fail = (): never => {\n"
     "  throw new Error('typed failure');\n"
     "};\n"},
    {"file:///virtual/fn/tla.mjs", "await 0;\nexport const late = 1;\n"},
    {"file:///virtual/fn/reexport_esm.cjs", "module.exports = require('./esm_syntax.js');\n"},
    {"file:///virtual/fn/esm_syntax.js", "export const z = 3;\n"},
    {"file:///virtual/fn/plain.mjs", "export default 'plain default';\nexport const named = 2;\n"},
};

struct Fixture {
  std::shared_ptr<PackageResolver> resolver = std::make_shared<PackageResolver>();
  test_support::ScriptWorker worker;

  explicit Fixture(const std::string& main = "")
      : worker([&] {
          runtime::WorkerOptions options;
          options.main_module = main;
          options.sources = std::make_shared<PackageProvider>(k_files);
          options.resolver = resolver;
          options.root = "/nonexistent/sbfn-commonjs";  // nothing may be read from disk
          return options;
        }()) {}

  // `require` as a function at `referrer` sees it.
  std::string eval_required(const std::string& expression) {
    auto result = worker.eval(
        "(() => { const require = process.getBuiltinModule('module').createRequire("
        "'/virtual/fn/main.cjs'); return " +
        expression + "; })()");
    return result.type == "throws" ? "throws " + result.value : result.value;
  }
};

bool has_call(const PackageResolver& resolver, const std::string& call) {
  return std::find(resolver.calls.begin(), resolver.calls.end(), call) != resolver.calls.end();
}

}  // namespace

TEST_SUITE_BEGIN("runtime");

TEST_CASE("runtime::commonjs an ES module imports a CommonJS package through the seam") {
  Fixture fixture("file:///virtual/fn/index.mjs");
  auto out = fixture.worker.eval("JSON.stringify(globalThis.out)");
  INFO(out.value);
  CHECK(out.value ==
        "{\"esm\":\"esm entry\",\"sum\":5,\"fromHelper\":\"helper\",\"viaDefault\":2,"
        "\"keys\":\"default,module.exports,version\",\"version\":\"1.2.3\"}");
  auto& resolver = *fixture.resolver;
  // The package's bare name resolved by kind: its ES entry for the import.
  CHECK(has_call(resolver, "import pkg"));
  CHECK(has_call(resolver, "import pkg/index.js"));
  CHECK(has_call(resolver, "import ./lib.cjs"));
  // Re-exports are followed (statically and at run time) with kind=require.
  CHECK(has_call(resolver, "require pkg/reexport.js"));
  CHECK(has_call(resolver, "require ./versioned.js"));
}

TEST_CASE(
    "runtime::commonjs require resolves with kind=require; built-ins never reach the resolver") {
  Fixture fixture;
  const std::pair<const char*, const char*> expressions[] = {
      {"require('pkg').add(20, 22)", "42"},
      {"require('pkg').emitter", "function"},
      {"require('pkg').data.n", "7"},
      {"require('pkg').bufferAlias", "true"},
      {"require('pkg').resolved", "/virtual/node_modules/pkg/helper.js"},
      {"require('pkg').filename", "/virtual/node_modules/pkg/index.js"},
      {"require.resolve('pkg')", "/virtual/node_modules/pkg/index.js"},
  };
  for (const auto& [expression, expected] : expressions) {
    CHECK_MESSAGE(fixture.eval_required(expression) == expected, expression);
  }
  auto& resolver = *fixture.resolver;
  for (const char* call : {"require pkg", "require ./helper.js", "require buffer-alias"}) {
    CHECK_MESSAGE(has_call(resolver, call), call);
  }
  CHECK_FALSE(has_call(resolver, "require events"));
  CHECK_FALSE(has_call(resolver, "import pkg"));
  // The same module object for the same file, across require and import.
  CHECK(fixture.worker
            .eval("import('file:///virtual/fn/lib.cjs').then((m) => m.default === "
                  "process.getBuiltinModule('module').createRequire('/virtual/fn/x.cjs')("
                  "'./lib.cjs'))")
            .value == "true");
}

TEST_CASE("runtime::commonjs failures: Node's error codes and the file in stack traces") {
  Fixture fixture;
  CHECK(fixture.eval_required(
            "(() => { try { require('unresolvable') } catch (e) { return e.code + '|' + "
            "e.message } })()") ==
        "MODULE_NOT_FOUND|Cannot find module 'unresolvable'\nRequire stack:\n- "
        "/virtual/fn/main.cjs");
  CHECK(fixture.eval_required(
            "(() => { try { require('./gone.cjs') } catch (e) { return e.code } })()") ==
        "MODULE_NOT_FOUND");
  CHECK(fixture.eval_required(
            "(() => { try { require('node:nope') } catch (e) { return e.code + '|' + e.message "
            "} })()") == "ERR_UNKNOWN_BUILTIN_MODULE|No such built-in module: node:nope");
  // A built-in a function cannot use loads, and refuses when used, naming what was refused.
  CHECK(fixture.eval_required("(() => { try { require('child_process').spawn('ls') } catch (e) "
                              "{ return e.code + '|' + e.message } })()") ==
        "ERR_NOT_SUPPORTED|child_process.spawn() is not supported in Supabase Edge Functions");
  auto stack = fixture.eval_required(
      "(() => { try { require('pkg/thrower.js').fail() } catch (e) { return e.stack } })()");
  INFO(stack);
  CHECK(stack.find("at Object.fail (file:///virtual/node_modules/pkg/thrower.js:2:9)") !=
        std::string::npos);
}

TEST_CASE("runtime::commonjs .cts is transpiled; its stack traces point into the TypeScript") {
  Fixture fixture;
  CHECK(fixture.eval_required("require('./typed.cts').sides") == "4");
  auto stack = fixture.eval_required(
      "(() => { try { require('./typed.cts').fail() } catch (e) { return e.stack } })()");
  INFO(stack);
  CHECK(stack.find("file:///virtual/fn/typed.cts:5:9") != std::string::npos);
}

TEST_CASE("runtime::commonjs require of ES modules, and of one with top-level await") {
  Fixture fixture;
  CHECK(fixture.eval_required("(() => { const m = require('./plain.mjs'); return [m.__esModule, "
                              "m.default, m.named, Object.prototype.toString.call(m)].join() "
                              "})()") == "true,plain default,2,[object Module]");
  // A `.js` file with ES module syntax, reached through a CommonJS re-export that an
  // importer's static analysis read first: still loaded as ESM (Node's detection).
  CHECK(
      fixture.worker.eval("import('file:///virtual/fn/reexport_esm.cjs').then((m) => m.default.z)")
          .value == "3");
  CHECK(fixture.eval_required("(() => { try { require('./tla.mjs') } catch (e) { return e.code "
                              "} })()") == "ERR_REQUIRE_ASYNC_MODULE");
}

TEST_CASE("runtime::commonjs node: imports of unknown built-ins name them") {
  Files files = {{"file:///m/a.mjs", "import 'node:nope';"},
                 {"file:///m/b.mjs", "import 'node:fs/nope';"}};
  for (const auto& [main, message] : std::vector<std::pair<std::string, std::string>>{
           {"file:///m/a.mjs", "No such built-in module: node:nope"},
           {"file:///m/b.mjs", "No such built-in module: node:fs/nope"}}) {
    runtime::WorkerOptions options;
    options.main_module = main;
    options.sources = runtime::make_memory_source_provider(files, "/m");
    test_support::ScriptWorker worker(options);
    CHECK(worker.eval("1").type == "throws");
    auto lines = worker.output();
    REQUIRE(!lines.empty());
    INFO(lines[0]);
    CHECK(lines[0].find(message) != std::string::npos);
  }
}

TEST_CASE("runtime::commonjs the seam's helpers") {
  using runtime::MediaType;
  CHECK(runtime::media_type_of("file:///a.cjs") == MediaType::commonjs);
  CHECK(runtime::media_type_of("file:///a.cts") == MediaType::commonjs_typescript);
  CHECK(runtime::media_type_of("file:///a.mjs") == MediaType::javascript);
  CHECK(runtime::media_type_of("file:///a.mts") == MediaType::typescript);
  CHECK(runtime::media_type_of("file:///a.d.cts") == MediaType::declaration);
  CHECK(runtime::is_node_builtin("events"));
  CHECK(runtime::is_node_builtin("fs/promises"));
  CHECK(runtime::is_node_builtin("_stream_readable"));
  CHECK_FALSE(runtime::is_node_builtin("node:events"));
  CHECK_FALSE(runtime::is_node_builtin("events/"));
  CHECK_FALSE(runtime::is_node_builtin("lodash"));
  CHECK(runtime::node_builtin_names().size() > 60);
  auto resolver = runtime::make_url_resolver();
  CHECK(resolver->resolve("events", "file:///a.js", runtime::ResolutionKind::import) ==
        "node:events");
  CHECK(resolver->resolve("./b.cjs", "file:///x/a.js", runtime::ResolutionKind::require) ==
        "file:///x/b.cjs");
}

TEST_SUITE_END();
