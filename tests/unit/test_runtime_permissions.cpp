#include "runtime/permissions.hpp"

#include <doctest/doctest.h>

#include <stdexcept>

using runtime::Permissions;

TEST_SUITE_BEGIN("runtime");

TEST_CASE("runtime::Permissions: net items as Deno reads --allow-net") {
  auto p = Permissions::parse(
      R"({"allow_net": ["example.com:443", "*.supabase.co", "10.0.0.0/8", "[::1]", "api.test"]})");
  CHECK_FALSE(p.check_net("example.com", 443));
  CHECK(p.check_net("example.com", 80) ==
        "Requires net access to \"example.com:80\", run again with the --allow-net flag");
  CHECK_FALSE(p.check_net("EXAMPLE.com", 443));  // names compare without case
  CHECK_FALSE(p.check_net("supabase.co", 443));  // a wildcard covers its own domain
  CHECK_FALSE(p.check_net("a.b.supabase.co", 5432));
  CHECK(p.check_net("notsupabase.co", 443));
  CHECK_FALSE(p.check_net("10.200.3.4", 81));
  CHECK(p.check_net("11.0.0.1", 81));
  CHECK(p.check_net("localhost", 81));  // names are not resolved
  CHECK_FALSE(p.check_net("[::1]", 81));
  CHECK_FALSE(p.check_net("[0:0::1]", 81));
  CHECK_FALSE(p.check_net("api.test", 1));
  CHECK_FALSE(p.check_net("api.test", std::nullopt));  // a lookup of an allowed host
  CHECK(p.check_net("other.test", std::nullopt) ==
        "Requires net access to \"other.test\", run again with the --allow-net flag");
}

TEST_CASE("runtime::Permissions: deny lists win, [] grants all, null grants none") {
  auto p = Permissions::parse(R"({"allow_net": [], "deny_net": ["evil.test", "db.test:5432"]})");
  CHECK_FALSE(p.check_net("good.test", 1));
  CHECK(p.check_net("evil.test", 443));
  CHECK(p.check_net("db.test", 5432));
  CHECK_FALSE(p.check_net("db.test", 443));
  CHECK_FALSE(p.check_net("db.test", std::nullopt));  // only one port of it is denied
  auto none = Permissions::parse(R"({"allow_net": null})");
  CHECK(none.check_net("good.test", 1));
  auto all = Permissions::parse(R"({"allow_all": true, "deny_write": ["/tmp/secret"]})");
  CHECK_FALSE(all.check_net("good.test", 1));
  CHECK_FALSE(all.check_write("/tmp/x", "/tmp/x"));
  CHECK(all.check_write("/tmp/secret/a", "/tmp/secret/a") ==
        "Requires write access to \"/tmp/secret/a\", run again with the --allow-write flag");
}

TEST_CASE("runtime::Permissions: paths cover what lies below them, by component") {
  auto p = Permissions::parse(R"({"allow_read": ["/srv/fn"], "deny_read": ["/srv/fn/private"]})");
  CHECK_FALSE(p.check_read("/srv/fn", "/srv/fn"));
  CHECK_FALSE(p.check_read("/srv/fn/a/b.txt", "a/b.txt"));
  CHECK(p.check_read("/srv/fnx/a", "/srv/fnx/a"));  // not a prefix by characters
  CHECK(p.check_read("/srv/fn/private/k", "./private/k") ==
        "Requires read access to \"./private/k\", run again with the --allow-read flag");
  CHECK(p.check_write("/srv/fn/a", "/srv/fn/a"));  // reading is not writing
}

TEST_CASE("runtime::Permissions: env rules go to JavaScript with allow_all folded in") {
  CHECK(Permissions::parse(R"({"allow_env": ["A", "B_*"]})").env_json() ==
        R"({"allow":["A","B_*"],"deny":null})");
  CHECK(Permissions::parse(R"({"allow_all": true, "deny_env": ["S"]})").env_json() ==
        R"({"allow":[],"deny":["S"]})");
  CHECK(Permissions::parse("{}").env_json() == R"({"allow":null,"deny":null})");
}

TEST_CASE("runtime::Permissions: malformed options name the field") {
  auto message = [](const char* json) {
    try {
      Permissions::parse(json);
    } catch (const std::invalid_argument& error) {
      return std::string(error.what());
    }
    return std::string("accepted");
  };
  CHECK(message("[]") == "permissions must be an object");
  CHECK(message(R"({"allow_all": "yes"})") == "permissions.allow_all must be a boolean");
  CHECK(message(R"({"allow_read": "/"})") ==
        "permissions.allow_read must be null or an array of strings");
  CHECK(message(R"({"allow_env": [1]})") ==
        "permissions.allow_env must be null or an array of strings");
  CHECK(message(R"({"allow_net": ["a.test:99999"]})") == "invalid port in \"a.test:99999\"");
  CHECK(message(R"({"deny_net": ["10.0.0.0/33"]})") == "invalid IP range \"10.0.0.0/33\"");
  CHECK(message(R"({"allow_net": ["*."]})") == "empty host in \"*.\"");
}
