#include "project/config.hpp"
#include "project/scaffold.hpp"
#include "project/templates.hpp"
#include "support/temp_dir.hpp"

#include "util/files.hpp"

#include <doctest/doctest.h>

#include <algorithm>
#include <filesystem>

namespace fs = std::filesystem;

namespace {

bool has_file(const project::TemplateVariant& variant, const std::string& path) {
  return std::any_of(variant.files.begin(), variant.files.end(),
                     [&](const project::TemplateFile& file) { return file.path == path; });
}

project::NewFunctionOptions options_in(const fs::path& root, const std::string& name) {
  project::NewFunctionOptions options;
  options.name = name;
  options.project_root = root;
  return options;
}

}  // namespace

TEST_SUITE_BEGIN("project");

TEST_CASE("project::builtin_templates: every template has a function and a test") {
  const auto& templates = project::builtin_templates();
  std::vector<std::string> names;
  for (const auto& t : templates) {
    names.push_back(t.name);
    CHECK_FALSE(t.description.empty());
    for (const auto& variant : t.variants) {
      CAPTURE(t.name);
      CAPTURE(variant.name);
      CHECK(has_file(variant, "__name__/index.ts"));
      if (variant.main_service) {  // no function: tested by serving it (spec case)
        CHECK(t.name == "main-service");
        continue;
      }
      CHECK(has_file(variant, "__name__/deno.json"));
      CHECK(has_file(variant, "tests/__name__-test.ts"));
      CHECK_FALSE(variant.try_lines.empty());
    }
  }
  CHECK(names == std::vector<std::string>{"cors", "hello-world", "hono", "main-service",
                                          "openai-stream", "scheduled", "server", "stripe-webhook",
                                          "supabase-js", "websocket"});
}

TEST_CASE("project::choose_template: defaults, auth modes and the errors naming the choices") {
  const auto& templates = project::builtin_templates();
  CHECK(project::choose_template(templates, "server", "").name == "apikey");
  CHECK(project::choose_template(templates, "server", "user").verify_jwt);
  CHECK_FALSE(project::choose_template(templates, "server", "none").verify_jwt);
  CHECK_FALSE(project::choose_template(templates, "scheduled", "").verify_jwt);
  CHECK(project::choose_template(templates, "hello-world", "").verify_jwt);
  CHECK_THROWS_WITH_AS(project::choose_template(templates, "nope", ""),
                       doctest::Contains("the templates are: cors, hello-world,"),
                       project::TemplateChoiceError);
  CHECK_THROWS_AS(project::choose_template(templates, "hono", "user"),
                  project::TemplateChoiceError);
  CHECK_THROWS_WITH_AS(project::choose_template(templates, "server", "admin"),
                       "template 'server' has no auth mode 'admin'; its modes are: apikey, "
                       "none, user",
                       project::TemplateChoiceError);
}

TEST_CASE("project::parse_template_pack: files by template and variant; a cut pack is refused") {
  const std::string manifest = R"({"description": "d", "default_auth": "a",
    "variants": {"a": {"verify_jwt": false}, "b": {}}})";
  const std::string pack = "t/template.json\n" + std::to_string(manifest.size()) + "\n" + manifest +
                           "t/a/__name__/index.ts\n1\nA" + "t/b/__name__/index.ts\n1\nB" +
                           "t/_shared/x.ts\n0\n";
  const auto templates = project::parse_template_pack(pack);
  REQUIRE(templates.size() == 1);
  REQUIRE(templates[0].variants.size() == 2);
  const auto& a = project::choose_template(templates, "t", "a");
  CHECK_FALSE(a.verify_jwt);
  REQUIRE(a.files.size() == 2);
  CHECK(has_file(a, "__name__/index.ts"));
  CHECK(has_file(a, "_shared/x.ts"));
  for (const auto& [variant, content] : {std::pair{"a", "A"}, std::pair{"b", "B"}}) {
    const auto& files = project::choose_template(templates, "t", variant).files;
    const auto index = std::find_if(files.begin(), files.end(), [](const auto& file) {
      return file.path == "__name__/index.ts";
    });
    REQUIRE(index != files.end());
    CHECK(index->content == content);
  }
  CHECK_THROWS(project::parse_template_pack("t/template.json\n10\n{}"));
  CHECK_THROWS(project::parse_template_pack("t/template.json\nten\n"));
}

TEST_CASE("project::create_function: appends to config.toml keeping every byte before") {
  test_support::TempDir dir("sbfn-scaffold");
  fs::create_directories(dir.path / "supabase");
  const std::string before = "# mine\r\n[api]\nport = 1 # no newline at the end";
  util::write_file_atomic(dir.path / "supabase/config.toml", before);

  const auto created =
      project::create_function(options_in(dir.path, "hello"), project::builtin_templates());
  CHECK(created.config == project::CreatedFunction::Config::appended);
  CHECK(util::read_file(dir.path / "supabase/config.toml") ==
        before + "\n" + project::config_block("hello", true, "./functions/hello"));
  CHECK(created.written.front() == fs::path("supabase/functions/hello/index.ts"));
  CHECK(fs::exists(dir.path / "supabase/functions/tests/hello-test.ts"));
  const auto index = util::read_file(dir.path / "supabase/functions/hello/index.ts");
  CHECK(index.find("__name__") == std::string::npos);
  CHECK(index.find("functions/v1/hello'") != std::string::npos);

  SUBCASE("a second run is refused, naming the file, and writes nothing") {
    CHECK_THROWS_WITH(
        project::create_function(options_in(dir.path, "hello"), project::builtin_templates()),
        doctest::Contains("supabase/functions/hello/index.ts already exists"));
    CHECK(util::read_file(dir.path / "supabase/config.toml") ==
          before + "\n" + project::config_block("hello", true, "./functions/hello"));
  }
  SUBCASE("a declared function gets no second block") {
    fs::remove_all(dir.path / "supabase/functions/hello");
    const auto again =
        project::create_function(options_in(dir.path, "hello"), project::builtin_templates());
    CHECK(again.config == project::CreatedFunction::Config::already_declared);
    CHECK(again.warnings == std::vector<std::string>{
                                "[functions.hello] is already declared in supabase/config.toml"});
  }
}

TEST_CASE("project::create_function: the layout follows the project's folders") {
  test_support::TempDir dir("sbfn-scaffold");
  SUBCASE("neither supabase/ nor functions/: Supabase's layout, config.toml created") {
    const auto created =
        project::create_function(options_in(dir.path, "a"), project::builtin_templates());
    CHECK(created.function_dir == fs::path("supabase/functions/a"));
    CHECK(created.config == project::CreatedFunction::Config::created);
    CHECK(util::read_file(dir.path / "supabase/config.toml") ==
          project::config_block("a", true, "./functions/a").substr(1));
  }
  SUBCASE("only functions/: written there, no config.toml") {
    fs::create_directories(dir.path / "functions");
    auto options = options_in(dir.path, "a");
    options.template_name = "scheduled";
    const auto created = project::create_function(options, project::builtin_templates());
    CHECK(created.function_dir == fs::path("functions/a"));
    CHECK(created.config == project::CreatedFunction::Config::no_supabase_folder);
    CHECK(created.serve_command == "sbfn serve --no-verify-jwt");
    CHECK_FALSE(fs::exists(dir.path / "supabase"));
  }
  SUBCASE("an invalid name: Supabase's message, nothing written") {
    CHECK_THROWS_WITH(
        project::create_function(options_in(dir.path, "_shared"), project::builtin_templates()),
        std::string(project::k_invalid_slug_message).c_str());
    CHECK(fs::is_empty(dir.path));
  }
}

TEST_SUITE_END();
