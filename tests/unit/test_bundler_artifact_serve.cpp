// Serving a function from an artifact in memory: a real worker boots from the module
// table through the artifact's provider and resolver, reads a static file with
// Deno.readFile, and answers a request — with no folder on disk and no network.
#include "support/worker_fixture.hpp"
#include "test_bundler_artifact_sample.hpp"

#include "bundler/artifact/artifact.hpp"
#include "runtime/modules/transpiler.hpp"
#include "runtime/runtime.hpp"

#include <doctest/doctest.h>

#include <future>

namespace {

using runtime::MediaType;
constexpr auto k_import = runtime::ResolutionKind::import;

const std::string k_fn = "file:///sbfn/src/supabase/functions/hello/";
const std::string k_shared = "file:///sbfn/src/supabase/functions/_shared/";

// Adds a module as the bundler would: the original source, and the code the runtime's
// own transpiler makes of it.
void add_module(bundler::Artifact& artifact, const std::string& url, const std::string& source,
                std::map<std::string, std::string> dependencies = {}) {
  auto& module = artifact.modules[url];
  module.media_type = runtime::media_type_of(url);
  module.original_source = source;
  if (module.media_type == MediaType::json || module.media_type == MediaType::commonjs) {
    module.code = source;
  } else {
    auto transpiled = runtime::Transpiler::instance().transpile(url, source, module.media_type);
    module.code = transpiled.code;
    module.source_map = transpiled.source_map;
  }
  module.dependencies = std::move(dependencies);
}

// hello/index.ts imports "greet" (mapped by an import map when it was built: only the
// dependency table knows it), a JSON module, and a remote module through a redirect the
// table does not mention; it reads a static file per request.
std::shared_ptr<const bundler::Artifact> function_artifact() {
  bundler::Artifact artifact;
  artifact.metadata.slug = "hello";
  artifact.metadata.entrypoint = k_fn + "index.ts";
  add_module(artifact, k_fn + "index.ts",
             "import { greet } from 'greet';\n"
             "import config from './config.json' with { type: 'json' };\n"
             "import { shout } from 'https://deno.land/x/shout/mod.js';\n"
             "import legacy from './legacy.cjs';\n"
             "Deno.serve(async (req: Request): Promise<Response> => {\n"
             "  const message: string = await Deno.readTextFile('static/message.txt');\n"
             "  return Response.json({ text: shout(greet(config.name)), message,\n"
             "    path: new URL(req.url).pathname, url: import.meta.url, cjs: legacy.answer });\n"
             "});\n",
             {{"greet", k_shared + "greet.ts"},
              {"./config.json", k_fn + "config.json"},
              {"./legacy.cjs", k_fn + "legacy.cjs"}});
  // CommonJS, whose require() goes through the same resolver (kind `require`).
  add_module(artifact, k_fn + "legacy.cjs",
             "const { Buffer } = require('node:buffer');\n"
             "module.exports = { answer: Buffer.from(require('./config.json').name).length };\n",
             {{"node:buffer", "node:buffer"}, {"./config.json", k_fn + "config.json"}});
  add_module(artifact, k_shared + "greet.ts",
             "export const greet = (who: string): string => `hello ${who}`;\n");
  add_module(artifact, k_fn + "config.json", "{\"name\": \"artifact\"}\n");
  add_module(artifact, "https://deno.land/x/shout@1.0.0/mod.js",
             "export const shout = (s) => s.toUpperCase();\n");
  artifact.redirects["https://deno.land/x/shout/mod.js"] = "https://deno.land/x/shout@1.0.0/mod.js";
  artifact.files["/sbfn/src/supabase/functions/hello/static/message.txt"] = "from a static file";
  artifact.files["/sbfn/src/supabase/functions/secret.txt"] = "outside the function's folder";
  artifact.files["/sbfn/src/supabase/functions/_data/greeting.json"] = "{\"hi\":1}";
  artifact.metadata.static_files = {"/sbfn/src/supabase/functions/hello/static/message.txt",
                                    "/sbfn/src/supabase/functions/_data/greeting.json"};
  // Through the bytes and back, as `serve --bundle` gets it.
  return std::make_shared<const bundler::Artifact>(
      bundler::read_artifact(bundler::write_artifact(artifact), "hello.sbfn"));
}

runtime::WorkerOptions artifact_options(std::shared_ptr<const bundler::Artifact> artifact) {
  runtime::WorkerOptions options;
  options.name = artifact->metadata.slug;
  options.main_module = artifact->metadata.entrypoint;
  options.sources = bundler::make_artifact_source_provider(artifact);
  options.resolver = bundler::make_artifact_resolver(artifact);
  options.root = "/nonexistent/sbfn-artifact";  // nothing may be read from disk
  for (const auto& path : artifact->metadata.static_files) {
    options.extra_files.emplace_back(path);
  }
  return options;
}

// Collects one response.
class ResponseCollector : public runtime::ResponseSink {
 public:
  struct Response {
    int status = 0;
    std::string body;
  };
  void start(int status, std::string, runtime::HttpHeaders, std::string body,
             bool streaming) override {
    m_response.status = status;
    m_response.body = std::move(body);
    if (!streaming) {
      m_done.set_value(m_response);
    }
  }
  bool write(std::string chunk) override {
    m_response.body += chunk;
    return true;
  }
  void end() override { m_done.set_value(m_response); }
  void fail(runtime::Failure failure) override {
    m_done.set_value({-static_cast<int>(failure) - 1, ""});
  }
  std::shared_ptr<runtime::WebSocketConnection> upgrade(
      std::string, std::shared_ptr<runtime::WebSocketPeer>) override {
    return nullptr;
  }
  std::future<Response> response() { return m_done.get_future(); }

 private:
  Response m_response;
  std::promise<Response> m_done;
};

ResponseCollector::Response request(runtime::Worker& worker, const std::string& url) {
  auto sink = std::make_shared<ResponseCollector>();
  auto response = sink->response();
  runtime::HttpRequest request;
  request.method = "GET";
  request.url = url;
  worker.dispatch(std::move(request), sink);
  REQUIRE(response.wait_for(std::chrono::seconds(30)) == std::future_status::ready);
  return response.get();
}

std::string resolve_error(runtime::ModuleResolver& resolver, const std::string& specifier,
                          const std::string& referrer) {
  return artifact_test::error_of([&] { resolver.resolve(specifier, referrer, k_import); });
}

}  // namespace

TEST_SUITE_BEGIN("bundler");

TEST_CASE("a worker boots from an artifact and answers from its modules and files") {
  test_support::ScriptWorker worker(artifact_options(function_artifact()));
  auto response = request(worker.worker(), "http://localhost/hello/x");
  CHECK(response.status == 200);
  CHECK(response.body ==
        "{\"text\":\"HELLO ARTIFACT\",\"message\":\"from a static file\",\"path\":\"/hello/x\","
        "\"url\":\"file:///sbfn/src/supabase/functions/hello/index.ts\",\"cjs\":8}");

  // Deno.readFile: relative to the entrypoint's folder, confined to it.
  CHECK(worker.eval("Deno.readTextFile('/sbfn/src/supabase/functions/hello/static/message.txt')")
            .value == "from a static file");
  CHECK(worker.eval("Deno.readFile('./static/message.txt').then((b) => b.length)").value == "18");
  CHECK(worker
            .eval("Deno.readTextFile('../secret.txt').catch((e) => "
                  "`${e instanceof Deno.errors.PermissionDenied} ${e.message}`)")
            .value ==
        "true Requires read access to \"/sbfn/src/supabase/functions/secret.txt\", which is "
        "outside the function's folder");
  CHECK(worker
            .eval("Deno.readTextFile('static/nope.txt').catch((e) => "
                  "`${e instanceof Deno.errors.NotFound} ${e.message}`)")
            .value ==
        "true No such file or directory (os error 2): readfile "
        "'/sbfn/src/supabase/functions/hello/static/nope.txt'");
  // A static file outside the function's folder is readable (as `serve` allows), by path
  // or file: URL; the files next to it are not.
  CHECK(worker.eval("Deno.readTextFile('../_data/greeting.json')").value == "{\"hi\":1}");
  CHECK(worker
            .eval("Deno.readTextFile(new URL('../_data/greeting.json', "
                  "'file:///sbfn/src/supabase/functions/hello/index.ts'))")
            .value == "{\"hi\":1}");
  CHECK(worker.eval("Deno.readTextFile('../_data/other.json').catch((e) => e.name)").value ==
        "PermissionDenied");
  // A module's source is not a file: only the artifact's files are readable.
  CHECK(worker.eval("Deno.readTextFile('index.ts').catch((e) => e.name)").value == "NotFound");

  // Dynamic imports go through the same resolver: a relative one the table never saw still
  // resolves, a bare one it never saw is refused with what to do.
  CHECK(worker.eval("import('../_shared/greet.ts').then((m) => m.greet('again'))").value ==
        "hello again");
  auto bare = worker.eval("import('zod').catch((e) => e.message)");
  CHECK(bare.value.find("Import \"zod\" from \"file:///sbfn/src/supabase/functions/hello/"
                        "index.ts\" is not in the artifact of \"hello\"") != std::string::npos);
}

TEST_CASE("bundler::make_artifact_resolver: the dependency table, then redirects, then URLs") {
  auto artifact = function_artifact();
  auto resolver = bundler::make_artifact_resolver(artifact);
  auto index = k_fn + "index.ts";
  CHECK(resolver->resolve("greet", index, k_import) == k_shared + "greet.ts");
  // The table is per module: another module importing "greet" gets no mapping.
  CHECK(resolve_error(*resolver, "greet", k_shared + "greet.ts") ==
        "Import \"greet\" from \"file:///sbfn/src/supabase/functions/_shared/greet.ts\" is not in "
        "the artifact of \"hello\": an artifact holds only the imports seen when it was built. "
        "Import it statically (or map it in deno.json) and run `sbfn bundle` again.");
  CHECK(resolver->resolve("https://deno.land/x/shout/mod.js", index, k_import) ==
        "https://deno.land/x/shout@1.0.0/mod.js");
  CHECK(resolver->resolve("./static/../config.json", index, k_import) == k_fn + "config.json");
  // A bare Node built-in name the table does not hold is the runtime's, as by default.
  CHECK(resolver->resolve("events", index, runtime::ResolutionKind::require) == "node:events");
  CHECK(resolver->resolve("./lib.js", "https://deno.land/x/shout@1.0.0/mod.js", k_import) ==
        "https://deno.land/x/shout@1.0.0/lib.js");

  // A fallback answers what the tables do not know; its answer follows redirects too.
  // It is told how the specifier is used.
  class Fallback : public runtime::ModuleResolver {
   public:
    std::string resolve(const std::string& specifier, const std::string&,
                        runtime::ResolutionKind kind) override {
      if (kind == runtime::ResolutionKind::require) {
        return "file:///sbfn/npm/registry.npmjs.org/x@1.0.0/index.cjs";
      }
      return specifier == "shout" ? "https://deno.land/x/shout/mod.js" : "node:" + specifier;
    }
  };
  auto with_fallback = bundler::make_artifact_resolver(artifact, std::make_shared<Fallback>());
  CHECK(with_fallback->resolve("shout", index, k_import) ==
        "https://deno.land/x/shout@1.0.0/mod.js");
  CHECK(with_fallback->resolve("shout", index, runtime::ResolutionKind::require) ==
        "file:///sbfn/npm/registry.npmjs.org/x@1.0.0/index.cjs");
  CHECK(with_fallback->resolve("greet", index, k_import) == k_shared + "greet.ts");

  // A redirect loop is an error, not a hang.
  bundler::Artifact looping = *artifact;
  looping.redirects["https://a.test/x.js"] = "https://b.test/x.js";
  looping.redirects["https://b.test/x.js"] = "https://a.test/x.js";
  auto loop = bundler::make_artifact_resolver(std::make_shared<const bundler::Artifact>(looping));
  CHECK(resolve_error(*loop, "https://a.test/x.js", index) ==
        "Too many redirects from \"https://a.test/x.js\" in the artifact of \"hello\" (a loop, or "
        "more than 10)");
}

TEST_CASE("bundler::make_artifact_source_provider serves transpiled code and matching caches") {
  auto artifact = artifact_test::sample_artifact();
  artifact.metadata.code_cache_key = "V8 1.0.0 (another V8)";
  auto index_url = artifact_test::k_fn + "index.ts";
  auto load = [&](const bundler::Artifact& from, const std::string& url) {
    auto provider =
        bundler::make_artifact_source_provider(std::make_shared<const bundler::Artifact>(from));
    return provider->load(url, 1 << 20);
  };
  auto index = load(artifact, index_url);
  CHECK(index.url == index_url);
  CHECK(index.code == artifact.modules.at(index_url).code);
  // Already transpiled: served as JavaScript, so it is not transpiled again.
  CHECK(index.media_type == MediaType::javascript);
  // Caches made for another V8 than this one are not served.
  CHECK(index.code_cache.empty());
  artifact.metadata.code_cache_key = bundler::current_code_cache_key();
  CHECK(bundler::current_code_cache_key().rfind("V8 ", 0) == 0);
  CHECK(load(artifact, index_url).code_cache == artifact_test::all_byte_values());

  CHECK(load(artifact, artifact_test::k_fn + "config.json").media_type == MediaType::json);
  // A Wasm module is its bytes, served as Wasm.
  auto wasm = load(artifact, artifact_test::k_fn + "add.wasm");
  CHECK(wasm.media_type == MediaType::wasm);
  CHECK(wasm.code == artifact_test::k_add_wasm);
  CHECK(wasm.code_cache.empty());
  // Transpiled CommonJS TypeScript is CommonJS.
  auto& cts = artifact.modules[artifact_test::k_fn + "legacy.cts"];
  cts.media_type = MediaType::commonjs_typescript;
  cts.code = "module.exports = 1;\n";
  CHECK(load(artifact, artifact_test::k_fn + "legacy.cts").media_type == MediaType::commonjs);
  // A redirect's source gives the module it redirected to, under its final URL.
  CHECK(load(artifact, "https://deno.land/x/hi/mod.js").url ==
        "https://deno.land/x/hi@1.0.0/mod.js");

  auto provider =
      bundler::make_artifact_source_provider(std::make_shared<const bundler::Artifact>(artifact));
  // ModuleNotFound: `require` turns it into Node's MODULE_NOT_FOUND.
  CHECK_THROWS_AS(provider->load(artifact_test::k_fn + "nope.ts", 1 << 20),
                  runtime::ModuleNotFound);
  CHECK_THROWS_WITH_AS(provider->load(artifact_test::k_fn + "nope.ts", 1 << 20),
                       "Module not found \"file:///sbfn/src/supabase/functions/hello/nope.ts\": "
                       "the artifact of \"hello\" does not hold it (it was not imported when the "
                       "artifact was built; run `sbfn bundle` again)",
                       util::Error);
  CHECK_THROWS_WITH_AS(provider->load(index_url, 10),
                       "Module \"file:///sbfn/src/supabase/functions/hello/index.ts\" (160 "
                       "bytes) is larger than the worker's remaining memory",
                       util::Error);
}

TEST_SUITE_END();
