#include "project/config.hpp"
#include "project/toml_file.hpp"

#include "util/error.hpp"

#include <doctest/doctest.h>

#include <filesystem>
#include <fstream>
#include <random>

namespace fs = std::filesystem;

namespace {

// A fresh project folder (`supabase/functions/...`) removed again when the test ends.
class TempProject {
 public:
  TempProject() {
    std::random_device random;
    m_root = fs::temp_directory_path() /
             ("sbfn-test-config-" + std::to_string(random()) + std::to_string(random()));
    fs::create_directories(functions_dir());
  }

  ~TempProject() {
    std::error_code ignored;
    fs::remove_all(m_root, ignored);
  }

  TempProject(const TempProject&) = delete;
  TempProject& operator=(const TempProject&) = delete;

  fs::path supabase_dir() const { return m_root / "supabase"; }
  fs::path functions_dir() const { return supabase_dir() / "functions"; }
  fs::path config_toml() const { return supabase_dir() / "config.toml"; }

  // Writes `content` to `relative` (under supabase/), creating folders.
  void write(const fs::path& relative, std::string_view content = "") const {
    const fs::path path = supabase_dir() / relative;
    fs::create_directories(path.parent_path());
    std::ofstream(path, std::ios::binary) << content;
  }

  void write_config(std::string_view content) const { write("config.toml", content); }

  std::vector<project::FunctionConfig> discover(bool with_config = true) const {
    return project::discover_functions(
        functions_dir(), with_config ? std::optional<fs::path>(config_toml()) : std::nullopt);
  }

  std::string discover_error() const {
    try {
      discover();
    } catch (const util::Error& error) {
      return error.what();
    }
    return "(no error)";
  }

 private:
  fs::path m_root;
};

std::vector<std::string> slugs_of(const std::vector<project::FunctionConfig>& functions) {
  std::vector<std::string> slugs;
  for (const auto& function : functions) {
    slugs.push_back(function.slug);
  }
  return slugs;
}

}  // namespace

TEST_SUITE_BEGIN("server");

TEST_CASE("project::is_valid_slug") {
  CHECK(project::is_valid_slug("hello"));
  CHECK(project::is_valid_slug("Hello-World_2"));
  CHECK(project::is_valid_slug("a"));
  CHECK_FALSE(project::is_valid_slug(""));
  CHECK_FALSE(project::is_valid_slug("_shared"));
  CHECK_FALSE(project::is_valid_slug("-x"));
  CHECK_FALSE(project::is_valid_slug("1abc"));
  CHECK_FALSE(project::is_valid_slug(".git"));
  CHECK_FALSE(project::is_valid_slug("has space"));
  CHECK_FALSE(project::is_valid_slug("dot.ted"));
  CHECK_FALSE(project::is_valid_slug("caf\xc3\xa9"));
}

TEST_CASE("project::discover_functions finds index files in slug folders") {
  const TempProject project;
  project.write("functions/hello/index.ts");
  project.write("functions/both/index.js");
  project.write("functions/both/index.ts");
  project.write("functions/js-only/index.js");
  project.write("functions/mjs/index.mjs");
  project.write("functions/tsx/index.tsx");
  project.write("functions/jsx/index.jsx");
  project.write("functions/_shared/index.ts");
  project.write("functions/.git/index.ts");
  project.write("functions/no-index/main.ts");
  project.write("functions/index.ts");
  project.write("functions/.env", "A=1\n");

  const auto functions = project.discover(false);
  CHECK(slugs_of(functions) ==
        std::vector<std::string>{"both", "hello", "js-only", "jsx", "mjs", "tsx"});
  const fs::path dir = project.functions_dir();
  CHECK(functions[0].entrypoint == dir / "both" / "index.ts");
  CHECK(functions[2].entrypoint == dir / "js-only" / "index.js");
  CHECK(functions[3].entrypoint == dir / "jsx" / "index.jsx");
  CHECK(functions[4].entrypoint == dir / "mjs" / "index.mjs");
  CHECK(functions[5].entrypoint == dir / "tsx" / "index.tsx");
  for (const auto& function : functions) {
    CHECK(function.enabled);
    CHECK(function.verify_jwt);
    CHECK_FALSE(function.import_map);
    CHECK(function.static_files.empty());
  }
}

TEST_CASE("project::discover_functions follows symlinked function folders") {
  const TempProject project;
  project.write("elsewhere/linked/index.ts");
  fs::create_directory_symlink(project.supabase_dir() / "elsewhere" / "linked",
                               project.functions_dir() / "linked");
  CHECK(slugs_of(project.discover(false)) == std::vector<std::string>{"linked"});
}

TEST_CASE("project::discover_functions applies config.toml") {
  const TempProject project;
  project.write("functions/hello/index.ts");
  project.write("functions/open/index.ts");
  project.write("functions/off/index.ts");
  project.write("custom/main.ts");
  project.write_config(R"(project_id = "demo"

[api]
port = 54321

[functions.open]
verify_jwt = false
import_map = "./functions/open/deno.json"
static_files = ["./functions/open/*.html", "assets/**"]

[functions.off]
enabled = false

[functions.custom]
entrypoint = "./custom/main.ts"

[functions.hello]
import_map = ""
entrypoint = ""

[functions.ghost]
enabled = false
)");

  const auto functions = project.discover();
  REQUIRE(slugs_of(functions) == std::vector<std::string>{"custom", "hello", "open"});
  const fs::path supabase = project.supabase_dir();

  CHECK(functions[0].entrypoint == supabase / "custom" / "main.ts");
  CHECK(functions[0].verify_jwt);

  CHECK(functions[1].entrypoint == supabase / "functions" / "hello" / "index.ts");
  CHECK_FALSE(functions[1].import_map);

  CHECK_FALSE(functions[2].verify_jwt);
  CHECK(functions[2].import_map == supabase / "functions" / "open" / "deno.json");
  CHECK(functions[2].static_files ==
        std::vector<std::string>{(supabase / "functions" / "open" / "*.html").string(),
                                 (supabase / "assets" / "**").string()});
}

TEST_CASE("project::discover_functions works with config only or folders only") {
  const TempProject project;
  project.write("fn/index.ts");
  project.write_config("[functions.remote]\nentrypoint = \"fn/index.ts\"\n");
  fs::remove_all(project.functions_dir());
  CHECK(slugs_of(project.discover()) == std::vector<std::string>{"remote"});

  // A config without [functions] adds nothing.
  project.write_config("[api]\nport = 1\n");
  CHECK(project.discover().empty());
}

TEST_CASE("project::discover_functions reports missing entrypoints") {
  const TempProject project;
  const std::string file = project.config_toml().string();
  project.write_config("\n[functions.ghost]\nverify_jwt = false\n");
  CHECK(project.discover_error() == file + ":2: function \"ghost\": entrypoint " +
                                        (project.functions_dir() / "ghost" / "index.ts").string() +
                                        " does not exist");

  project.write("functions/hello/index.ts");
  project.write_config("[functions.hello]\n\nentrypoint = \"./functions/hello/main.ts\"\n");
  CHECK(project.discover_error() == file + ":3: function \"hello\": entrypoint " +
                                        (project.functions_dir() / "hello" / "main.ts").string() +
                                        " does not exist");
}

TEST_CASE("project::discover_functions rejects bad config.toml") {
  const TempProject project;
  project.write("functions/hello/index.ts");
  const std::string file = project.config_toml().string();

  project.write_config("[functions.hello]\nverify_jwt = \"no\"\n");
  CHECK(project.discover_error() ==
        file + ":2: [functions.hello].verify_jwt must be a boolean, got string");

  project.write_config("[functions.hello]\nenabled = 1\n");
  CHECK(project.discover_error() ==
        file + ":2: [functions.hello].enabled must be a boolean, got integer");

  project.write_config("[functions.hello]\nentrypoint = true\n");
  CHECK(project.discover_error() ==
        file + ":2: [functions.hello].entrypoint must be a string, got boolean");

  project.write_config("[functions.hello]\nimport_map = 3\n");
  CHECK(project.discover_error() ==
        file + ":2: [functions.hello].import_map must be a string, got integer");

  project.write_config("[functions.hello]\nstatic_files = \"*.html\"\n");
  CHECK(project.discover_error() ==
        file + ":2: [functions.hello].static_files must be an array of strings, got string");

  project.write_config("[functions.hello]\nstatic_files = [\n  \"a\",\n  2,\n]\n");
  CHECK(project.discover_error() ==
        file + ":4: [functions.hello].static_files must be an array of strings, found integer");

  project.write_config("[functions.hello]\nverify_jwt = true\nverifyjwt = false\n");
  CHECK(project.discover_error() ==
        file +
            ":3: unknown key \"verifyjwt\" in [functions.hello] (expected enabled, verify_jwt, "
            "import_map, entrypoint or static_files)");

  project.write_config("# functions\n\n[functions._shared]\nenabled = true\n");
  CHECK(project.discover_error() ==
        file + ":3: [functions._shared]: " + std::string(project::k_invalid_slug_message));

  project.write_config("[functions]\nhello = 1\n");
  CHECK(project.discover_error() == file + ":2: [functions.hello] must be a table, got integer");

  project.write_config("functions = \"all\"\n");
  CHECK(project.discover_error() == file + ":1: \"functions\" must be a table, got string");
}

TEST_CASE("project::discover_functions keeps toml11's syntax error text") {
  const TempProject project;
  const std::string file = project.config_toml().string();
  project.write_config("[functions.hello]\nverify_jwt = \n");
  const std::string error = project.discover_error();
  CHECK(error.rfind(file + ": invalid TOML:\n", 0) == 0);
  // toml11 quotes the offending line with its number.
  CHECK(error.find(" 2 | verify_jwt =") != std::string::npos);

  project.write_config("[functions.hello]\n[functions.hello]\n");
  CHECK(project.discover_error().find("defined twice") != std::string::npos);
}

// Found by fuzz/config_toml.cpp: toml11 3.7 read past the end of its buffer on invalid
// UTF-8 inside a literal string (a heap overflow under ASan, make test-asan).
TEST_CASE("project::discover_functions refuses a config.toml that is not UTF-8") {
  TempProject project;
  for (const char* text : {"a = '\xff'\n", "\n'\xe2\x82'e", "[functions.x]\nb = '\xed\xa0\x80'"}) {
    project.write_config(text);
    CHECK(project.discover_error().find("config.toml:") != std::string::npos);
    CHECK(project.discover_error().find("not valid UTF-8") != std::string::npos);
  }
  project.write_config("\n\n'\xff'e");
  CHECK(project.discover_error().find("config.toml:3: not valid UTF-8") != std::string::npos);
  project.write_config("a = 'caf\xc3\xa9 \xf0\x9f\x98\x80'\n");  // well-formed: accepted
  CHECK(project.discover().empty());
}

TEST_CASE("project::invalid_utf8_offset") {
  using project::invalid_utf8_offset;
  constexpr auto npos = std::string_view::npos;
  CHECK(invalid_utf8_offset("plain ascii") == npos);
  CHECK(invalid_utf8_offset("caf\xc3\xa9 \xf0\x9f\x98\x80") == npos);
  CHECK(invalid_utf8_offset("ab\xff") == 2);            // never a lead byte
  CHECK(invalid_utf8_offset("a\xc3") == 1);             // truncated
  CHECK(invalid_utf8_offset("\xc0\xaf") == 0);          // overlong '/'
  CHECK(invalid_utf8_offset("x\xed\xa0\x80") == 1);     // a surrogate
  CHECK(invalid_utf8_offset("\xf4\x90\x80\x80") == 0);  // past U+10FFFF
  CHECK(invalid_utf8_offset("\xe2\x28\xa1") == 0);      // bad continuation
}

TEST_CASE("project::discover_functions reports an unreadable config or functions folder") {
  const TempProject project;
  const fs::path missing = project.supabase_dir() / "missing.toml";
  CHECK_THROWS_WITH_AS(project::discover_functions(project.functions_dir(), missing),
                       ("cannot read config file " + missing.string() + ": no such file").c_str(),
                       util::Error);

  project.write("not-a-dir");
  const fs::path file = project.supabase_dir() / "not-a-dir";
  CHECK_THROWS_WITH_AS(project::discover_functions(file, std::nullopt),
                       ("functions folder " + file.string() + " is not a directory").c_str(),
                       util::Error);
}

TEST_SUITE_END();
