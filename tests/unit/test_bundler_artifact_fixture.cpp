// The committed artifact keeps format 2 stable: this sbfn must read it field by field and
// write the same bytes from the same Artifact. When the format changes on purpose, bump
// bundler::k_artifact_format and regenerate the fixture (docs/artifact.md, "Versions"):
//
//   SBFN_WRITE_ARTIFACT_FIXTURE=1 build/tests/sbfn_unit -tc='*fixture*'
#include "support/temp_dir.hpp"
#include "test_bundler_artifact_sample.hpp"

#include "bundler/artifact/artifact.hpp"
#include "bundler/artifact/media_type_names.hpp"
#include "bundler/artifact/metadata_json.hpp"
#include "util/files.hpp"
#include "util/hash.hpp"

#include <doctest/doctest.h>
#include <nlohmann/json.hpp>

#include <cstdio>
#include <cstdlib>
#include <filesystem>

namespace {

using artifact_test::k_fn;
using artifact_test::k_fn_path;

const std::filesystem::path k_fixture =
    std::filesystem::path(SBFN_SOURCE_DIR) / "tests/fixtures/artifact/hello-v2.sbfn";

// What tests/fixtures/artifact/read_sbfn.py (written from docs/artifact.md alone) prints
// for `file`: its stdout, or "" when it refused the file.
std::string python_reader(const std::filesystem::path& file) {
  auto script = std::filesystem::path(SBFN_SOURCE_DIR) / "tests/fixtures/artifact/read_sbfn.py";
  auto command = "python3 '" + script.string() + "' '" + file.string() + "' 2>/dev/null";
  std::string out;
  auto* pipe = ::popen(command.c_str(), "r");
  REQUIRE(pipe != nullptr);
  char buffer[4096];
  while (auto n = std::fread(buffer, 1, sizeof buffer, pipe)) {
    out.append(buffer, n);
  }
  return ::pclose(pipe) == 0 ? out : "";
}

// The same view of an artifact the Python reader prints: every blob as its sha256.
nlohmann::json as_reader_json(const bundler::Artifact& artifact) {
  nlohmann::json modules = nlohmann::json::object();
  for (const auto& [url, module] : artifact.modules) {
    modules[url] = {{"media_type", bundler::media_type_name(module.media_type)},
                    {"code", util::sha256_hex(module.code)},
                    {"source_map", util::sha256_hex(module.source_map)},
                    {"original_source", util::sha256_hex(module.original_source)},
                    {"dependencies", module.dependencies},
                    {"code_cache", util::sha256_hex(module.code_cache)}};
  }
  nlohmann::json files = nlohmann::json::object();
  for (const auto& [path, bytes] : artifact.files) {
    files[path] = util::sha256_hex(bytes);
  }
  return {{"format", artifact.format},
          {"metadata", nlohmann::json::parse(bundler::metadata_to_json(artifact.metadata))},
          {"modules", modules},
          {"redirects", artifact.redirects},
          {"files", files}};
}

}  // namespace

TEST_SUITE_BEGIN("bundler");

TEST_CASE("bundler artifact fixture: hello-v2.sbfn reads field by field and writes back the same") {
  if (std::getenv("SBFN_WRITE_ARTIFACT_FIXTURE") != nullptr) {
    std::filesystem::create_directories(k_fixture.parent_path());
    util::write_file_atomic(k_fixture, bundler::write_artifact(artifact_test::sample_artifact()));
    MESSAGE("wrote ", k_fixture.string());
  }
  auto bytes = util::read_file(k_fixture);
  auto artifact = bundler::read_artifact(bytes, k_fixture.string());

  CHECK(artifact.format == 2);
  const auto& meta = artifact.metadata;
  CHECK(meta.slug == "hello");
  CHECK(meta.entrypoint == "file:///sbfn/src/supabase/functions/hello/index.ts");
  CHECK(meta.verify_jwt == false);
  CHECK(meta.import_map == "{\"imports\":{\"greet\":\"../_shared/greet.ts\"}}");
  CHECK(meta.static_files == std::set<std::string>{k_fn_path + "static/message.txt"});
  CHECK(meta.code_cache_key == "V8 10.2.154.26-node.37");
  CHECK(meta.lock.version == "5");
  CHECK(meta.lock.specifiers == std::map<std::string, std::string>{{"npm:tiny@1", "1.0.0"}});
  REQUIRE(meta.lock.npm.contains("tiny@1.0.0"));
  CHECK(meta.lock.npm.at("tiny@1.0.0").integrity == "sha512-AAAA");
  CHECK(meta.lock.npm.at("tiny@1.0.0").dependencies == std::vector<std::string>{"dep@2.0.0"});
  REQUIRE(meta.lock.jsr.contains("@std/fmt@1.0.0"));
  CHECK(meta.lock.jsr.at("@std/fmt@1.0.0").integrity == "0123abcd");
  CHECK(meta.lock.jsr.at("@std/fmt@1.0.0").dependencies ==
        std::vector<std::string>{"jsr:@std/path@1"});
  CHECK(meta.lock.redirects.size() == 1);
  CHECK(meta.lock.remote.at("https://deno.land/x/hi@1.0.0/mod.js") == "ffee");
  CHECK(meta.lock.workspace == nlohmann::json::object());

  REQUIRE(artifact.modules.size() == 5);
  const auto& index = artifact.modules.at(k_fn + "index.ts");
  CHECK(index.media_type == runtime::MediaType::typescript);
  CHECK(index.original_source.find("const who: string = config.name;") != std::string::npos);
  CHECK(index.code.find("assert { type: \"json\" }") != std::string::npos);
  CHECK(index.source_map == "{\"version\":3,\"mappings\":\"AAAA\"}");
  CHECK(index.dependencies.size() == 2);
  CHECK(index.dependencies.at("greet") == "file:///sbfn/src/supabase/functions/_shared/greet.ts");
  CHECK(index.code_cache == artifact_test::all_byte_values());
  const auto& config = artifact.modules.at(k_fn + "config.json");
  CHECK(config.media_type == runtime::MediaType::json);
  CHECK(config.code == "{\"name\":\"artifact\"}\n");
  CHECK(config.code_cache.empty());
  const auto& wasm = artifact.modules.at(k_fn + "add.wasm");
  CHECK(wasm.media_type == runtime::MediaType::wasm);
  CHECK(wasm.code == artifact_test::k_add_wasm);
  CHECK(wasm.original_source.empty());
  CHECK(artifact.modules.at("https://deno.land/x/hi@1.0.0/mod.js").media_type ==
        runtime::MediaType::javascript);

  CHECK(artifact.redirects.at("https://deno.land/x/hi/mod.js") ==
        "https://deno.land/x/hi@1.0.0/mod.js");
  REQUIRE(artifact.files.size() == 3);
  CHECK(artifact.files.at(k_fn_path + "static/message.txt") == "a static file\n");
  CHECK(artifact.files.at("/sbfn/npm/registry.npmjs.org/tiny@1.0.0/bin.dat") ==
        artifact_test::all_byte_values());

  // Everything, and the bytes: a writer change that alters them needs a format bump.
  CHECK(artifact == artifact_test::sample_artifact());
  CHECK(bundler::write_artifact(artifact_test::sample_artifact()) == bytes);
}

TEST_CASE("bundler artifact fixture: a reader written from docs/artifact.md agrees with sbfn's") {
  auto printed = python_reader(k_fixture);
  REQUIRE(!printed.empty());
  auto artifact = bundler::read_artifact(util::read_file(k_fixture), k_fixture.string());
  CHECK(nlohmann::json::parse(printed) == as_reader_json(artifact));

  // It refuses what sbfn refuses: a truncated copy.
  test_support::TempDir dir("sbfn-artifact-fixture");
  auto truncated = dir.path / "truncated.sbfn";
  auto bytes = util::read_file(k_fixture);
  util::write_file_atomic(truncated, bytes.substr(0, bytes.size() - 1));
  CHECK(python_reader(truncated).empty());
}

TEST_SUITE_END();
