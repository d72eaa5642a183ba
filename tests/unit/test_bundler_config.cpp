// Which import map and deno.json a function uses (Supabase's precedence), deno.json keys,
// JSONC, and workspaces — on real folders written by the test.
#include "support/temp_dir.hpp"

#include "bundler/config/config.hpp"
#include "util/error.hpp"
#include "util/files.hpp"

#include <doctest/doctest.h>
#include <unistd.h>

#include <atomic>

namespace fs = std::filesystem;

namespace {

// A project folder under the system temp dir, removed at the end of the test.
class Project {
 public:
  fs::path write(const std::string& relative, const std::string& text) const {
    auto path = m_root / relative;
    fs::create_directories(path.parent_path());
    util::write_file_atomic(path, text);
    return path;
  }
  fs::path path(const std::string& relative) const { return m_root / relative; }
  std::string url(const std::string& relative) const { return "file://" + path(relative).string(); }

  bundler::FunctionConfigRequest request(const std::string& slug) const {
    bundler::FunctionConfigRequest out;
    out.functions_dir = m_root / "supabase/functions";
    out.entrypoint = out.functions_dir / slug / "index.ts";
    return out;
  }

 private:
  test_support::TempDir m_dir{"sbfn-config"};
  fs::path m_root = m_dir.path;
};

std::string resolve(const bundler::FunctionConfig& config, const std::string& specifier,
                    const std::string& referrer) {
  return config.import_map.resolve(specifier, referrer).value_or("<unmapped>");
}

}  // namespace

TEST_CASE("bundler::strip_jsonc removes comments and trailing commas, not string contents") {
  CHECK(nlohmann::json::parse(bundler::strip_jsonc(R"({
    // a comment
    "a": "http://x/*not a comment*/", /* block */
    "b": [1, 2,],
    "c": {"d": "e,}",},
  })")) == nlohmann::json::parse(R"({"a": "http://x/*not a comment*/", "b": [1, 2],
                                      "c": {"d": "e,}"}})"));
  CHECK_THROWS_WITH_AS(bundler::parse_jsonc("{\"a\": }", "/p/deno.json"),
                       doctest::Contains("Unable to parse config file JSON \"/p/deno.json\""),
                       util::Error);
}

TEST_CASE("bundler::load_function_config: deno.json beside the entrypoint, with its options") {
  Project p;
  p.write("supabase/functions/hello/index.ts", "");
  p.write("supabase/functions/hello/deno.jsonc", R"({
    // the template's dependencies
    "imports": {
      "@supabase/functions-js": "jsr:@supabase/functions-js@^2",
      "greet": "./lib/greet.ts",
    },
    "importMap": "./ignored.json",
    "compilerOptions": {"jsx": "react-jsx", "jsxImportSource": "npm:preact",
                        "experimentalDecorators": true},
    "nodeModulesDir": "manual",
  })");
  p.write("supabase/functions/import_map.json", R"({"imports": {"greet": "./never.ts"}})");
  auto config = bundler::load_function_config(p.request("hello"));
  CHECK(config.source == bundler::ImportMapSource::deno_json);
  CHECK(config.import_map_path == p.path("supabase/functions/hello/deno.jsonc"));
  CHECK(config.config_path == p.path("supabase/functions/hello/deno.jsonc"));
  auto main = p.url("supabase/functions/hello/index.ts");
  CHECK(resolve(config, "greet", main) == p.url("supabase/functions/hello/lib/greet.ts"));
  CHECK(resolve(config, "@supabase/functions-js/edge-runtime.d.ts", main) ==
        "jsr:/@supabase/functions-js@^2/edge-runtime.d.ts");
  CHECK(config.compiler_options.jsx == "react-jsx");
  CHECK(config.compiler_options.jsx_import_source == "npm:preact");
  CHECK(config.compiler_options.experimental_decorators == true);
  CHECK_FALSE(config.compiler_options.jsx_factory);
  CHECK(config.node_modules_dir == "manual");
  CHECK(config.lock_workspace ==
        nlohmann::json::parse(R"({"dependencies": ["jsr:@supabase/functions-js@2"]})"));
  CHECK(config.lockfile == p.path("supabase/functions/hello/deno.lock"));
  CHECK(config.warnings ==
        std::vector<std::string>{
            "\"importMap\" setting is ignored when \"imports\" or \"scopes\" are "
            "specified in the config file."});
}

TEST_CASE("bundler::load_function_config: the precedence of the Supabase CLI") {
  Project p;
  p.write("supabase/functions/f/index.ts", "");
  p.write("supabase/functions/f/deno.json", R"({"imports": {"x": "./from-deno-json.ts"}})");
  p.write("supabase/functions/f/import_map.json", R"({"imports": {"x": "./legacy.ts"}})");
  p.write("supabase/functions/import_map.json", R"({"imports": {"x": "./fallback.ts"}})");
  auto toml_map = p.write("supabase/maps/toml.json", R"({"imports": {"x": "./toml.ts"}})");
  auto flag_map = p.write("flag.json", R"({"imports": {"x": "./flag.ts"}})");
  auto main = p.url("supabase/functions/f/index.ts");

  auto request = p.request("f");
  request.import_map_flag = flag_map;
  request.config_import_map = toml_map;
  auto config = bundler::load_function_config(request);
  CHECK(config.source == bundler::ImportMapSource::flag);
  CHECK(resolve(config, "x", main) == p.url("flag.ts"));
  // The function's deno.json still gives options and the lockfile.
  CHECK(config.lockfile == p.path("supabase/functions/f/deno.lock"));

  request.import_map_flag.reset();
  config = bundler::load_function_config(request);
  CHECK(config.source == bundler::ImportMapSource::config_toml);
  CHECK(resolve(config, "x", main) == p.url("supabase/maps/toml.ts"));

  request.config_import_map.reset();
  config = bundler::load_function_config(request);
  CHECK(config.source == bundler::ImportMapSource::deno_json);
  CHECK(resolve(config, "x", main) == p.url("supabase/functions/f/from-deno-json.ts"));

  fs::remove(p.path("supabase/functions/f/deno.json"));
  config = bundler::load_function_config(request);
  CHECK(config.source == bundler::ImportMapSource::legacy_import_map);
  CHECK(resolve(config, "x", main) == p.url("supabase/functions/f/legacy.ts"));
  CHECK_FALSE(config.lockfile);  // no config file, no lockfile

  fs::remove(p.path("supabase/functions/f/import_map.json"));
  config = bundler::load_function_config(request);
  CHECK(config.source == bundler::ImportMapSource::fallback_import_map);
  CHECK(resolve(config, "x", main) == p.url("supabase/functions/fallback.ts"));

  fs::remove(p.path("supabase/functions/import_map.json"));
  config = bundler::load_function_config(request);
  CHECK(config.source == bundler::ImportMapSource::none);
  CHECK(config.import_map.empty());

  CHECK(bundler::import_map_source_warnings({{"a", bundler::ImportMapSource::legacy_import_map},
                                             {"b", bundler::ImportMapSource::fallback_import_map},
                                             {"c", bundler::ImportMapSource::fallback_import_map},
                                             {"d", bundler::ImportMapSource::deno_json}}) ==
        std::vector<std::string>{
            "WARNING: Functions using deprecated import_map.json (please migrate to deno.json): a",
            "WARNING: Functions using fallback import map: b, c",
            "Please use recommended per function dependency declaration  "
            "https://supabase.com/docs/guides/functions/import-maps"});
}

TEST_CASE("bundler::load_function_config: importMap files, lock settings and errors") {
  Project p;
  p.write("supabase/functions/f/index.ts", "");
  p.write(
      "supabase/functions/f/deno.json",
      R"({"importMap": "../shared/map.json", "lock": {"path": "./locks/deno.lock", "frozen": true}})");
  p.write("supabase/functions/shared/map.json", R"({"imports": {"y": "./y.ts"}})");
  auto config = bundler::load_function_config(p.request("f"));
  CHECK(config.import_map_path == p.path("supabase/functions/shared/map.json"));
  CHECK(resolve(config, "y", p.url("supabase/functions/f/index.ts")) ==
        p.url("supabase/functions/shared/y.ts"));
  CHECK(config.lockfile == p.path("supabase/functions/f/locks/deno.lock"));
  CHECK(config.frozen_lockfile);

  p.write("supabase/functions/f/deno.json", R"({"lock": false})");
  CHECK_FALSE(bundler::load_function_config(p.request("f")).lockfile);

  p.write("supabase/functions/f/deno.json", R"({"lock": 3})");
  CHECK_THROWS_WITH_AS(bundler::load_function_config(p.request("f")),
                       doctest::Contains("\"lock\" must be true, false, a path"), util::Error);

  p.write("supabase/functions/f/deno.json", R"({"imports": {"a": "./a.ts"}})");
  auto request = p.request("f");
  request.import_map_flag = p.path("missing.json");
  CHECK_THROWS_WITH_AS(bundler::load_function_config(request),
                       ("Unable to load import map \"" + p.path("missing.json").string() +
                        "\": the file does not exist")
                           .c_str(),
                       util::Error);
  request.import_map_flag = p.write("bad.json", "[1]");
  CHECK_THROWS_WITH_AS(bundler::load_function_config(request),
                       doctest::Contains("Import map JSON must be an object"), util::Error);
}

TEST_CASE(
    "bundler::load_function_config: a workspace member sees its own imports and others by name") {
  Project p;
  p.write("supabase/functions/deno.json", R"({
    "workspace": ["./api", "./shared"],
    "imports": {"zod": "npm:zod@3"},
    "compilerOptions": {"jsx": "react-jsx"},
    "lock": {"frozen": true}
  })");
  p.write("supabase/functions/api/index.ts", "");
  p.write("supabase/functions/api/deno.json", R"({"imports": {"util": "./util.ts"},
                                                "compilerOptions": {"jsxImportSource": "preact"}})");
  p.write("supabase/functions/shared/deno.json", R"({
    "name": "@app/shared", "version": "1.2.0",
    "exports": {".": "./mod.ts", "./db": "./db/index.ts"},
    "imports": {"util": "./shared-util.ts"}
  })");
  auto config = bundler::load_function_config(p.request("api"));
  CHECK(config.source == bundler::ImportMapSource::deno_json);
  CHECK(config.workspace_root == p.path("supabase/functions/deno.json"));
  CHECK(config.config_path == p.path("supabase/functions/deno.json"));
  CHECK(config.lockfile == p.path("supabase/functions/deno.lock"));
  CHECK(config.frozen_lockfile);
  CHECK(config.compiler_options.jsx == "react-jsx");
  CHECK(config.compiler_options.jsx_import_source == "preact");
  CHECK(config.lock_workspace == nlohmann::json::parse(R"({"dependencies": ["npm:zod@3"]})"));

  auto api = p.url("supabase/functions/api/index.ts");
  auto shared = p.url("supabase/functions/shared/mod.ts");
  CHECK(resolve(config, "util", api) == p.url("supabase/functions/api/util.ts"));
  CHECK(resolve(config, "util", shared) == p.url("supabase/functions/shared/shared-util.ts"));
  CHECK(resolve(config, "zod", api) == "npm:zod@3");
  CHECK(resolve(config, "zod/v4", api) == "npm:/zod@3/v4");
  CHECK(resolve(config, "@app/shared", api) == p.url("supabase/functions/shared/mod.ts"));
  CHECK(resolve(config, "@app/shared/db", api) == p.url("supabase/functions/shared/db/index.ts"));

  auto ref = bundler::parse_package_req_reference("jsr:@app/shared@^1/db", "jsr");
  CHECK(config.resolve_workspace_package(ref) == p.url("supabase/functions/shared/db/index.ts"));
  CHECK_FALSE(config.resolve_workspace_package(
      bundler::parse_package_req_reference("jsr:@app/shared@2", "jsr")));
  CHECK_THROWS_WITH_AS(
      config.resolve_workspace_package(
          bundler::parse_package_req_reference("jsr:@app/shared/nope", "jsr")),
      "Unknown export './nope' for '@app/shared'.\n  Package exports:\n * .\n * ./db", util::Error);
}

// Found by fuzz/deno_json.cpp: nlohmann reports a number beyond double's range as
// out_of_range, not parse_error, so it escaped these loaders as an unexpected exception.
TEST_CASE("bundler config loaders refuse a number beyond double's range with util::Error") {
  CHECK_THROWS_WITH_AS(bundler::parse_jsonc(R"({"a": 1e999})", "/p/deno.json"),
                       doctest::Contains("Unable to parse config file JSON \"/p/deno.json\""),
                       util::Error);
  CHECK_THROWS_WITH_AS(bundler::ImportMap::parse(R"({"imports": {}, "x": 1e999})", "file:///m"),
                       doctest::Contains("Unable to parse import map JSON"), util::Error);
  Project p;
  p.write("supabase/functions/f/index.ts", "");
  p.write("supabase/functions/f/package.json", R"({"version": 1e999})");
  CHECK_THROWS_WITH_AS(bundler::load_function_config(p.request("f")),
                       doctest::Contains("Unable to parse"), util::Error);
}

TEST_CASE("bundler::load_function_config: a package.json beside the entrypoint") {
  Project project;
  project.write("supabase/functions/byo/index.ts", "");
  project.write("supabase/functions/byo/package.json",
                R"({"dependencies": {"ms": "~2.1.0", "local": "file:../local"},
                    "devDependencies": {"ms": "^1", "chai": "5"}})");
  auto byo = bundler::load_function_config(project.request("byo"));
  CHECK(byo.package_json == project.path("supabase/functions/byo/package.json"));
  CHECK(byo.package_dependencies == std::map<std::string, std::string>{{"chai", "5"},
                                                                       {"local", "file:../local"},
                                                                       {"ms", "~2.1.0"}});
  CHECK(byo.own_node_modules());  // Deno's default with a package.json: "manual"
  CHECK_FALSE(byo.lock_workspace.contains("packageJson"));

  project.write("supabase/functions/byo/deno.json", R"({"nodeModulesDir": "none"})");
  auto npm = bundler::load_function_config(project.request("byo"));
  CHECK_FALSE(npm.own_node_modules());
  CHECK(npm.lock_workspace["packageJson"]["dependencies"] ==
        nlohmann::json::array({"npm:chai@5", "npm:ms@2.1"}));

  SUBCASE("an import map chosen by flag or config.toml leaves package.json out, as Supabase") {
    auto request = project.request("byo");
    request.import_map_flag = project.write("import_map.json", "{}");
    CHECK_FALSE(bundler::load_function_config(request).package_json);
  }
  SUBCASE("a package.json that is not JSON is named") {
    project.write("supabase/functions/byo/package.json", "{");
    auto message =
        "Unable to parse \"" + project.path("supabase/functions/byo/package.json").string() + "\"";
    CHECK_THROWS_WITH_AS(bundler::load_function_config(project.request("byo")),
                         doctest::Contains(message.c_str()), util::Error);
  }
}
