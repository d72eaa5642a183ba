// .npmrc as Deno reads it: registries per scope, credentials per URL prefix, ${VAR}, and
// the order of the files (the expectations follow deno_npm's npm_rc tests).
#include "support/npm_registry_fixture.hpp"
#include "support/temp_dir.hpp"

#include "bundler/npm/npmrc.hpp"
#include "util/error.hpp"
#include "util/files.hpp"

#include <doctest/doctest.h>

#include <map>

using bundler::Npmrc;

namespace {

bundler::EnvLookup env(std::map<std::string, std::string> vars) {
  return [vars](const std::string& name) -> std::optional<std::string> {
    auto it = vars.find(name);
    return it == vars.end() ? std::nullopt : std::optional<std::string>(it->second);
  };
}

}  // namespace

TEST_CASE("bundler::Npmrc picks registries per scope and credentials by longest prefix") {
  auto npmrc = Npmrc::parse(R"(
@myorg:registry=https://example.com/myorg
@another:registry=https://example.com/another
; would apply to both @myorg and @another
//example.com/:_authToken=MYTOKEN0
//example.com/myorg/:_authToken=MYTOKEN1
//registry.npmjs.org/:_authToken="${NPM_TOKEN}"
# a comment
registry=https://registry.npmjs.org/
[section]
registry=https://ignored.example/
)",
                            env({{"NPM_TOKEN", "from-env"}}));
  CHECK(npmrc.registry_for("left-pad") == "https://registry.npmjs.org/");
  CHECK(npmrc.registry_for("@myorg/pkg") == "https://example.com/myorg/");
  CHECK(npmrc.registry_for("@other/pkg") == "https://registry.npmjs.org/");
  CHECK(npmrc.authorization_for("https://example.com/myorg/@myorg%2fpkg") == "Bearer MYTOKEN1");
  CHECK(npmrc.authorization_for("https://example.com/another/@another%2fpkg") == "Bearer MYTOKEN0");
  CHECK(npmrc.authorization_for("https://registry.npmjs.org/zod") == "Bearer from-env");
  CHECK_FALSE(npmrc.authorization_for("https://example.org/x").has_value());
}

TEST_CASE("bundler::Npmrc builds Basic credentials from _auth or username and _password") {
  auto npmrc = Npmrc::parse(
      "//a.example/:_auth=dXNlcjpwYXNz\n"
      "//b.example/:username=user\n"
      "//b.example/:_password=cGFzcw==\n"
      "//c.example/:username=lonely\n"
      "//d.example/:username=user\n"
      "//d.example/:_password=not base64!\n",
      env({}));
  CHECK(npmrc.authorization_for("https://a.example/pkg") == "Basic dXNlcjpwYXNz");
  CHECK(npmrc.authorization_for("https://b.example/pkg") == "Basic dXNlcjpwYXNz");
  CHECK_THROWS_WITH_AS(npmrc.authorization_for("https://c.example/pkg"),
                       doctest::Contains("Both the username and password must be provided"),
                       util::Error);
  CHECK_THROWS_WITH_AS(npmrc.authorization_for("https://d.example/pkg"),
                       doctest::Contains("//d.example/:_password"), util::Error);
}

TEST_CASE("bundler::Npmrc::load reads the function folder, the project root, then home") {
  test_support::TempDir temp;
  auto function_dir = temp.path / "project" / "functions" / "hello";
  auto project = temp.path / "project";
  auto home = temp.path / "home";
  util::write_file_atomic(function_dir / ".npmrc", "@fn:registry=https://fn.example/\n");
  util::write_file_atomic(project / ".npmrc",
                          "@fn:registry=https://project.example/\n"
                          "registry=https://mirror.example\n"
                          "//mirror.example/:_authToken=project-token\n");
  util::write_file_atomic(home / ".npmrc",
                          "registry=https://home.example/\n"
                          "//mirror.example/:_authToken=home-token\n"
                          "//home.example/:_authToken=home-only\n");
  auto npmrc = Npmrc::load(function_dir, project, home, env({}));
  CHECK(npmrc.registry_for("@fn/x") == "https://fn.example/");
  CHECK(npmrc.registry_for("x") == "https://mirror.example/");
  CHECK(npmrc.authorization_for("https://mirror.example/x") == "Bearer project-token");
  CHECK(npmrc.authorization_for("https://home.example/x") == "Bearer home-only");

  // NPM_CONFIG_REGISTRY wins over every registry= for the default registry only.
  auto with_env = Npmrc::load(function_dir, project, home,
                              env({{"NPM_CONFIG_REGISTRY", "http://127.0.0.1:9"}}));
  CHECK(with_env.registry_for("x") == "http://127.0.0.1:9/");
  CHECK(with_env.registry_for("@fn/x") == "https://fn.example/");

  // No files at all: the public registry.
  auto none = Npmrc::load(temp.path / "nothing", "", "", env({}));
  CHECK(none.registry_for("zod") == "https://registry.npmjs.org/");
  CHECK(Npmrc::token_key_for("http://127.0.0.1:4873/") == "//127.0.0.1:4873/:_authToken");
}
