// `sbfn bundle --list` and `--extract`: the listing is plain aligned text, and extraction
// writes sources and files back out below the output folder and nowhere else.
#include "support/temp_dir.hpp"
#include "test_bundler_artifact_sample.hpp"

#include "bundler/artifact/artifact.hpp"
#include "util/error.hpp"
#include "util/files.hpp"

#include <doctest/doctest.h>

#include <filesystem>

namespace fs = std::filesystem;

namespace {

using TempDir = test_support::TempDir;

std::string extract_error(const bundler::Artifact& artifact, const fs::path& dir) {
  return artifact_test::error_of([&] { bundler::extract_artifact(artifact, dir); });
}

bundler::Artifact one_module(const std::string& url) {
  bundler::Artifact artifact;
  artifact.metadata.entrypoint = url;
  artifact.modules[url].original_source = "export {};\n";
  return artifact;
}

}  // namespace

TEST_SUITE_BEGIN("bundler");

TEST_CASE("bundler::list_artifact prints the metadata and the tables, aligned") {
  auto text = bundler::list_artifact(artifact_test::sample_artifact());
  CHECK(text ==
        "format:           2\n"
        "slug:             hello\n"
        "entrypoint:       file:///sbfn/src/supabase/functions/hello/index.ts\n"
        "verify_jwt:       false\n"
        "import map:       43 bytes\n"
        "static files:     1\n"
        "lock:             1 specifier, 1 jsr package, 1 npm package, 1 remote module\n"
        "code caches for:  V8 10.2.154.26-node.37\n"
        "\n"
        "modules (5):\n"
        "  URL                                                    TYPE        SOURCE  CODE  MAP  "
        "DEPS  CACHE\n"
        "  file:///sbfn/src/supabase/functions/_shared/greet.ts   typescript      54    46    0  "
        "   1  no\n"
        "  file:///sbfn/src/supabase/functions/hello/add.wasm     wasm             0    41    0  "
        "   0  no\n"
        "  file:///sbfn/src/supabase/functions/hello/config.json  json            20    20    0  "
        "   0  no\n"
        "  file:///sbfn/src/supabase/functions/hello/index.ts     typescript     166   160   31  "
        "   2  yes\n"
        "  https://deno.land/x/hi@1.0.0/mod.js                    javascript      24    24    0  "
        "   0  no\n"
        "\n"
        "redirects (1):\n"
        "  https://deno.land/x/hi/mod.js  ->  https://deno.land/x/hi@1.0.0/mod.js\n"
        "\n"
        "files (3):\n"
        "  PATH                                                   SIZE\n"
        "  /sbfn/npm/registry.npmjs.org/tiny@1.0.0/bin.dat         256\n"
        "  /sbfn/npm/registry.npmjs.org/tiny@1.0.0/package.json     16\n"
        "  /sbfn/src/supabase/functions/hello/static/message.txt    14  static\n");
}

TEST_CASE("bundler::extract_artifact writes sources and files back out below the folder") {
  TempDir dir;
  auto written = bundler::extract_artifact(artifact_test::sample_artifact(), dir.path);
  std::vector<fs::path> expected = {
      "npm/registry.npmjs.org/tiny@1.0.0/bin.dat", "npm/registry.npmjs.org/tiny@1.0.0/package.json",
      "remote/https/deno.land/x/hi@1.0.0/mod.js",  "supabase/functions/_shared/greet.ts",
      "supabase/functions/hello/add.wasm",         "supabase/functions/hello/config.json",
      "supabase/functions/hello/index.ts",         "supabase/functions/hello/static/message.txt",
  };
  CHECK(written == expected);
  // The original TypeScript, not the transpiled code.
  CHECK(util::read_file(dir.path / "supabase/functions/hello/index.ts") ==
        artifact_test::sample_artifact()
            .modules.at(artifact_test::k_fn + "index.ts")
            .original_source);
  // A Wasm module's bytes are its code (no original source is stored beside them).
  CHECK(util::read_file(dir.path / "supabase/functions/hello/add.wasm") ==
        artifact_test::k_add_wasm);
  CHECK(util::read_file(dir.path / "npm/registry.npmjs.org/tiny@1.0.0/bin.dat") ==
        artifact_test::all_byte_values());
  CHECK(util::read_file(dir.path / "supabase/functions/hello/static/message.txt") ==
        "a static file\n");
  // Extracting again over the same folder gives the same files.
  CHECK(bundler::extract_artifact(artifact_test::sample_artifact(), dir.path) == expected);
}

TEST_CASE("bundler::extract_artifact maps remote URLs to plain file names") {
  TempDir dir;
  auto artifact = one_module("https://localhost:8080/lib?target=deno#x");
  artifact.modules["https://esm.sh/"].original_source = "root";
  auto written = bundler::extract_artifact(artifact, dir.path);
  CHECK(written == std::vector<fs::path>{"remote/https/esm.sh/index",
                                         "remote/https/localhost_8080/lib%3Ftarget=deno"});
}

TEST_CASE("bundler::extract_artifact refuses paths that leave the folder, before writing") {
  TempDir dir;
  auto out = dir.path / "out";
  // Percent-encoded dots decode to "..": the artifact's own checks refuse this on read,
  // extract refuses it again for an Artifact made in memory.
  auto climbing = one_module("file:///sbfn/src/%2E%2E/%2E%2E/escaped.js");
  CHECK(extract_error(climbing, out) ==
        "refusing to extract \"file:///sbfn/src/%2E%2E/%2E%2E/escaped.js\": its path would "
        "leave the output folder");
  auto host = one_module("https://../x.js");
  CHECK(extract_error(host, out).find("its path would leave the output folder") !=
        std::string::npos);
  auto outside = one_module("file:///etc/passwd");
  CHECK(extract_error(outside, out) ==
        "refusing to extract \"file:///etc/passwd\": its path would leave the output folder");
  auto file = one_module("file:///sbfn/src/a.js");
  file.files["/sbfn/../etc/x"] = "";
  CHECK(!extract_error(file, out).empty());
  CHECK(!fs::exists(out));  // nothing was written for any of them

  // Two entries for one path with different bytes, and a path that is a file and a folder.
  auto clash = one_module("file:///sbfn/src/a.js");
  clash.files["/sbfn/src/a.js"] = "other bytes";
  CHECK(extract_error(clash, out) ==
        "refusing to extract: \"file:///sbfn/src/a.js\" and \"/sbfn/src/a.js\" would both be "
        "written to a.js");
  auto nested = one_module("file:///sbfn/src/a");
  nested.files["/sbfn/src/a/b"] = "";
  CHECK(extract_error(nested, out) ==
        "refusing to extract: \"file:///sbfn/src/a\" and \"/sbfn/src/a/b\" need a to be both a "
        "file and a folder");
  CHECK(!fs::exists(out));

  // A symlink already inside the folder does not carry a write outside it.
  fs::create_directories(out);
  fs::create_directories(dir.path / "elsewhere");
  fs::create_directory_symlink(dir.path / "elsewhere", out / "lib");
  auto through_link = one_module("file:///sbfn/src/lib/x.js");
  CHECK(extract_error(through_link, out).find("leads outside") != std::string::npos);
  CHECK(!fs::exists(dir.path / "elsewhere/x.js"));
}

TEST_SUITE_END();
