// sbfn bundle's core: a function on disk, with a local module, a JSON module, a static
// file and a CommonJS npm package from a real registry on 127.0.0.1, built into an
// artifact (build_artifact) and booted from it by a real worker (ArtifactModules) with
// the registry gone — the package's own require()s resolved over the files the artifact
// carries, and the code caches accepted by V8.
#include "support/npm_registry_fixture.hpp"
#include "support/temp_dir.hpp"
#include "support/worker_fixture.hpp"

#include "bundler/function_artifact.hpp"
#include "runtime/tools.hpp"
#include "util/files.hpp"

#include <doctest/doctest.h>

#include <memory>

namespace fs = std::filesystem;

namespace {

struct Project {
  test_support::TempDir temp{"sbfn-bundle"};
  fs::path root = temp.path / "project";
  fs::path functions = root / "supabase" / "functions";

  void write(const fs::path& path, const std::string& text) {
    fs::create_directories(path.parent_path());
    util::write_file_atomic(path, text);
  }
};

bundler::Artifact build(Project& project, const std::string& registry, bool code_cache) {
  project.write(project.root / ".npmrc", "registry=" + registry + "\n");
  project::FunctionConfig config;
  config.slug = "hello";
  config.entrypoint = project.functions / "hello" / "index.ts";
  config.static_files = {(project.functions / "_data" / "*.txt").string()};
  auto layout = bundler::project_layout(project.functions, std::nullopt, std::nullopt);
  layout.import_roots = {project.functions, project.temp.path / "cache"};
  bundler::FunctionModules modules(bundler::function_source(config, layout), {},
                                   bundler::Cache(project.temp.path / "cache"),
                                   std::make_shared<bundler::HttpClient>());
  bundler::BundleOptions options;
  options.code_cache = code_cache;
  return bundler::build_artifact(modules, options);
}

}  // namespace

TEST_SUITE_BEGIN("bundler");

TEST_CASE("build_artifact: a function and its npm package, served back with no network") {
  Project project;
  auto registry = std::make_unique<test_support::NpmRegistryFixture>();
  registry->publish({{"name", "shout"}, {"version", "1.2.0"}, {"dependencies", {{"suffix", "^2"}}}},
                    {{"index.js",
                      "const { mark } = require('suffix');\n"
                      "const { loud } = require('./lib/loud');\n"
                      "exports.shout = (s) => loud(s) + mark;\n"},
                     {"lib/loud.js", "exports.loud = (s) => s.toUpperCase();\n"}});
  registry->publish({{"name", "suffix"}, {"version", "2.0.1"}},
                    {{"index.js", "module.exports = require('./mark.json');\n"},
                     {"mark.json", "{\"mark\": \"!\"}\n"}});
  project.write(project.functions / "hello" / "index.ts",
                "import { shout } from 'npm:shout@1';\n"
                "import { greet } from './greet.ts';\n"
                "import data from './data.json' with { type: 'json' };\n"
                "export const answer = async (): Promise<string> =>\n"
                "  shout(greet(data.who)) + ' ' + await Deno.readTextFile('../_data/note.txt');\n");
  project.write(project.functions / "hello" / "greet.ts",
                "export const greet = (who: string): string => `hello ${who}`;\n");
  project.write(project.functions / "hello" / "data.json", "{\"who\": \"artifact\"}\n");
  project.write(project.functions / "_data" / "note.txt", "a static note");
  project.write(project.functions / "hello" / "deno.json", "{}\n");  // so deno.lock pins npm

  // The transpile cache is keyed by content: another file with the same code was compiled
  // first, and its URL must not leak into this artifact's source maps.
  for (const auto* name : {"index.ts", "greet.ts"}) {
    runtime::transpile_module(std::string("file:///elsewhere/") + name,
                              util::read_file(project.functions / "hello" / name),
                              runtime::MediaType::typescript);
  }
  auto registry_url = registry->url();
  auto artifact = build(project, registry_url, true);
  registry.reset();  // nothing below may reach it

  const std::string fn = "file:///sbfn/src/supabase/functions/hello/";
  CHECK(artifact.metadata.slug == "hello");
  CHECK(artifact.metadata.entrypoint == fn + "index.ts");
  CHECK(artifact.metadata.static_files ==
        std::set<std::string>{"/sbfn/src/supabase/functions/_data/note.txt"});
  CHECK(artifact.metadata.lock.specifiers.at("npm:shout@1") == "1.2.0");
  REQUIRE(artifact.modules.contains(fn + "greet.ts"));
  CHECK(artifact.modules.at(fn + "greet.ts").code.find(": string") == std::string::npos);
  CHECK(!artifact.modules.at(fn + "greet.ts").code_cache.empty());
  CHECK(artifact.modules.at(fn + "greet.ts")
            .source_map.find("\"sources\":[\"" + fn + "greet.ts\"]") != std::string::npos);
  CHECK(artifact.modules.at(fn + "index.ts").dependencies.at("npm:shout@1") ==
        "file:///sbfn/npm/shout@1.2.0/index.js");
  CHECK(artifact.modules.at("file:///sbfn/npm/shout@1.2.0/index.js").media_type ==
        runtime::MediaType::commonjs);
  CHECK(artifact.files.at("/sbfn/npm/suffix@2.0.1/mark.json") == "{\"mark\": \"!\"}\n");
  // Nothing of this machine inside.
  auto bytes = bundler::write_artifact(artifact);
  CHECK(bytes.find(project.temp.path.string()) == std::string::npos);
  for (auto at = bytes.find("file:///"); at != std::string::npos;
       at = bytes.find("file:///", at + 1)) {
    CHECK_MESSAGE(bytes.compare(at, 13, "file:///sbfn/") == 0, bytes.substr(at, 80));
  }
  // The same input, the same bytes (the registry is down: deno.lock and the cache answer).
  CHECK(bundler::write_artifact(build(project, registry_url, true)) == bytes);

  fs::remove_all(project.root);  // no source tree either
  auto served = std::make_shared<bundler::ArtifactModules>(
      std::make_shared<const bundler::Artifact>(bundler::read_artifact(bytes, "hello.sbfn")));
  runtime::WorkerOptions options;
  options.name = "hello";
  options.main_module = artifact.metadata.entrypoint;
  options.root = served->folder();
  options.resolver = served;
  options.sources = served;
  options.extra_files = {"/sbfn/src/supabase/functions/_data/note.txt"};
  auto before = runtime::code_cache_counts();
  test_support::ScriptWorker worker(options);
  CHECK(worker.eval("import('" + fn + "index.ts').then((m) => m.answer())").value ==
        "HELLO ARTIFACT! a static note");
  auto after = runtime::code_cache_counts();
  // index.ts and greet.ts came with caches V8 took (the JSON and CommonJS modules have none).
  CHECK(after.accepted - before.accepted == 2);
  CHECK(after.rejected == before.rejected);
}

TEST_CASE("build_artifact: a local import outside the project is refused by name") {
  Project project;
  project.write(project.functions / "hello" / "index.ts", "import '../../../../outside.ts';\n");
  project.write(project.temp.path / "outside.ts", "export {};\n");
  try {
    build(project, "http://127.0.0.1:9/", false);
    FAIL("expected an error");
  } catch (const util::Error& error) {
    std::string message = error.what();
    CHECK_MESSAGE(message.find("\"" + (project.temp.path / "outside.ts").string() +
                               "\", which is outside the project") != std::string::npos,
                  message);
  }
}

TEST_SUITE_END();
