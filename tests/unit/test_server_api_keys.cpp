#include "project/environment.hpp"
#include "project/local_stack.hpp"
#include "server/api_keys.hpp"
#include "server/jwt.hpp"

#include <doctest/doctest.h>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <filesystem>

using server::ApiKeys;
using server::gateway_authorization;

namespace {

ApiKeys local_keys() {
  return ApiKeys{project::default_publishable_key(), project::default_secret_key(),
                 project::demo_anon_key(), project::demo_service_role_key()};
}

std::string value_of(const project::EnvList& env, const std::string& name) {
  auto it = std::find_if(env.begin(), env.end(), [&](const auto& e) { return e.first == name; });
  REQUIRE_MESSAGE(it != env.end(), name << " is not set");
  return it->second;
}

}  // namespace

TEST_CASE("the local stack's keys are Supabase's") {
  CHECK(project::default_publishable_key() == "sb_publishable_ACJWlzQHlZjBrEguHvfOxg_3BJgxAaH");
  CHECK(project::default_secret_key() == "sb_secret_N7UND0UgjKTVK-Uodkm0Hg_xSvEMPvz");
}

TEST_CASE("gateway_authorization swaps the new keys for the legacy JWTs") {
  const auto keys = local_keys();
  const auto anon = "Bearer " + project::demo_anon_key();
  const auto service = "Bearer " + project::demo_service_role_key();

  SUBCASE("an apikey header with no Authorization") {
    CHECK(gateway_authorization(keys, std::nullopt, keys.publishable) == anon);
    CHECK(gateway_authorization(keys, std::nullopt, keys.secret) == service);
    CHECK(gateway_authorization(keys, std::string_view(""), keys.publishable) == anon);
  }
  SUBCASE("a bearer new key, with or without the apikey header (supabase-js sends both)") {
    CHECK(gateway_authorization(keys, "Bearer " + keys.publishable, keys.publishable) == anon);
    CHECK(gateway_authorization(keys, "Bearer " + keys.secret, std::nullopt) == service);
    CHECK(gateway_authorization(keys, "Bearer " + keys.publishable, keys.secret) == service);
  }
  SUBCASE("a JWT in Authorization is kept, whatever the apikey says") {
    CHECK_FALSE(gateway_authorization(keys, "Bearer eyJabc", keys.secret));
    CHECK_FALSE(gateway_authorization(keys, "Basic x", keys.publishable));
  }
  SUBCASE("unknown keys are not mapped") {
    CHECK_FALSE(
        gateway_authorization(keys, std::string_view("Bearer sb_publishable_nope"), std::nullopt));
    CHECK_FALSE(gateway_authorization(keys, std::nullopt, std::nullopt));
    // As the gateway: an unknown apikey becomes the Authorization value, which is then not
    // `Bearer <token>` and is refused by the JWT gate.
    CHECK(gateway_authorization(keys, std::nullopt, std::string_view("eyJlegacy")) == "eyJlegacy");
  }
  SUBCASE("keys set by the user replace the local ones") {
    ApiKeys own{"sb_publishable_mine", "sb_secret_mine", "anon.jwt", "service.jwt"};
    CHECK(gateway_authorization(own, std::nullopt, std::string_view("sb_secret_mine")) ==
          "Bearer service.jwt");
    CHECK_FALSE(gateway_authorization(own, "Bearer " + keys.publishable, std::nullopt));
  }
}

TEST_CASE("functions get the new keys, their maps and SUPABASE_JWKS") {
  project::EnvSources sources;
  sources.functions_dir = std::filesystem::temp_directory_path() / "sbfn-no-such-functions-dir";
  auto env = project::shared_environment(sources, [](const std::string&) {});
  CHECK(value_of(env, "SUPABASE_PUBLISHABLE_KEY") == project::default_publishable_key());
  CHECK(value_of(env, "SUPABASE_SECRET_KEY") == project::default_secret_key());
  CHECK(nlohmann::json::parse(value_of(env, "SUPABASE_PUBLISHABLE_KEYS")) ==
        nlohmann::json{{"default", project::default_publishable_key()}});
  CHECK(nlohmann::json::parse(value_of(env, "SUPABASE_SECRET_KEYS")) ==
        nlohmann::json{{"default", project::default_secret_key()}});

  sources.publishable_key = "sb_publishable_mine";
  sources.jwks = server::secret_jwks("abc");
  env = project::shared_environment(sources, [](const std::string&) {});
  CHECK(value_of(env, "SUPABASE_PUBLISHABLE_KEY") == "sb_publishable_mine");
  auto jwks = nlohmann::json::parse(value_of(env, "SUPABASE_JWKS"));
  CHECK(jwks["keys"][0]["kty"] == "oct");
  CHECK(jwks["keys"][0]["k"] == "YWJj");  // base64url("abc")
}
