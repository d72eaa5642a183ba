// What the admin API keeps under --state-dir: versions that survive a restart, a staged
// version that is never seen until committed, the kept-versions bound, secrets that are
// never shown, and state files that a restart reads back (or refuses, saying which).
#include "server/admin/deployments.hpp"
#include "server/router.hpp"
#include "support/error_of.hpp"
#include "support/temp_dir.hpp"

#include "util/files.hpp"
#include "util/hash.hpp"

#include <doctest/doctest.h>
#include <sys/stat.h>

#include <cerrno>

using server::admin::Deployments;
using server::admin::k_versions_kept;
using server::admin::Secrets;
using test_support::error_of;
using test_support::TempDir;

TEST_SUITE_BEGIN("server");

namespace {

unsigned mode_of(const std::filesystem::path& path) {
  struct stat info {};
  ::stat(path.c_str(), &info);
  return info.st_mode & 0777;
}

}  // namespace

TEST_CASE("admin state: a staged version is served only once committed, and survives a restart") {
  TempDir dir;
  auto state = dir.path / "state";
  {
    Deployments deployments(state);
    CHECK(mode_of(state) == 0700);
    auto v1 = deployments.stage("hello", "artifact one", true);
    CHECK(v1.version == 1);
    CHECK(v1.digest == "sha256:" + util::sha256_hex("artifact one"));
    CHECK(util::read_file(deployments.artifact_path("hello", 1)) == "artifact one");
    CHECK(mode_of(deployments.artifact_path("hello", 1)) == 0600);
    CHECK_FALSE(deployments.find("hello"));  // staged: not a deployment yet
    deployments.commit("hello", v1);
    auto v2 = deployments.stage("hello", "artifact two", false);
    CHECK(v2.version == 2);
    deployments.discard("hello", 2);  // failed to boot
    CHECK_FALSE(std::filesystem::exists(deployments.artifact_path("hello", 2)));
    auto v3 = deployments.stage("hello", "artifact three", false);
    CHECK(v3.version == 2);  // the discarded number is free again
    deployments.commit("hello", v3);
    deployments.make_current("hello", 1);  // a rollback
  }
  Deployments again(state);
  auto hello = again.find("hello");
  REQUIRE(hello);
  CHECK(hello->current == 1);
  REQUIRE(hello->versions.size() == 2);
  CHECK(hello->versions[1].verify_jwt == false);
  CHECK(hello->versions[1].size == std::string("artifact three").size());
  CHECK(mode_of(state / "deployments.json") == 0600);
  // After a rollback the next version still gets a new number.
  CHECK(again.stage("hello", "four", true).version == 3);
}

TEST_CASE("admin state: only the newest versions are kept, with their files") {
  TempDir dir;
  Deployments deployments(dir.path);
  for (std::size_t i = 0; i < k_versions_kept + 2; ++i) {
    deployments.commit("f", deployments.stage("f", "v" + std::to_string(i), true));
  }
  auto f = deployments.find("f");
  REQUIRE(f);
  CHECK(f->versions.size() == k_versions_kept);
  CHECK(f->versions.front().version == 3);
  CHECK_FALSE(std::filesystem::exists(deployments.artifact_path("f", 2)));
  CHECK(std::filesystem::exists(deployments.artifact_path("f", 3)));
  deployments.remove("f");
  CHECK_FALSE(deployments.find("f"));
  CHECK_FALSE(std::filesystem::exists(dir.path / "functions" / "f"));
}

TEST_CASE("admin state: a state file that is not JSON is refused by name, not overwritten") {
  TempDir dir;
  util::write_file_atomic(dir.path / "deployments.json", "{not json");
  auto message = error_of([&] { Deployments deployments(dir.path); });
  CHECK(message.find((dir.path / "deployments.json").string() + " is not valid JSON") !=
        std::string::npos);
  CHECK(util::read_file(dir.path / "deployments.json") == "{not json");
}

TEST_CASE("admin state: what a killed run left unfinished is removed at start, and said") {
  TempDir dir;
  auto state = dir.path / "state";
  {
    Deployments deployments(state);
    deployments.commit("hello", deployments.stage("hello", "artifact one", true));
    deployments.stage("hello", "never committed", true);  // then SIGKILL
    deployments.stage("fresh", "never committed", true);  // a first deploy, then SIGKILL
  }
  util::write_file_atomic(state / "functions" / "hello" / "3.sbfn.tmp.99.0", "half");
  util::write_file_atomic(state / "deployments.json.tmp.99.1", "{\"funct");
  Deployments again(state);
  CHECK(again.leftovers().size() == 4);
  CHECK(std::filesystem::exists(again.artifact_path("hello", 1)));
  CHECK_FALSE(std::filesystem::exists(again.artifact_path("hello", 2)));
  CHECK_FALSE(std::filesystem::exists(state / "functions" / "hello" / "3.sbfn.tmp.99.0"));
  CHECK_FALSE(std::filesystem::exists(state / "deployments.json.tmp.99.1"));
  CHECK_FALSE(std::filesystem::exists(state / "functions" / "fresh"));
  bool said = false;
  for (const auto& line : again.leftovers()) {
    said = said ||
           line.find("a deploy of hello that an earlier run never finished") != std::string::npos;
  }
  CHECK(said);
  CHECK(again.stage("hello", "artifact two", true).version == 2);
  CHECK(Deployments(state).leftovers().size() == 1);  // the staged v2 again, nothing else
}

TEST_CASE("admin state: a change that cannot be written changes nothing, in memory or on disk") {
  TempDir dir;
  auto state = dir.path / "state";
  Deployments deployments(state);
  deployments.commit("hello", deployments.stage("hello", "one", true));
  deployments.commit("hello", deployments.stage("hello", "two", true));
  // A folder where the state file goes: its replacement cannot be renamed into place.
  std::filesystem::remove(state / "deployments.json");
  std::filesystem::create_directory(state / "deployments.json");
  auto v3 = deployments.stage("hello", "three", true);
  CHECK_FALSE(error_of([&] { deployments.commit("hello", v3); }).empty());
  CHECK_FALSE(error_of([&] { deployments.make_current("hello", 1); }).empty());
  CHECK_FALSE(error_of([&] { deployments.remove("hello"); }).empty());
  auto hello = deployments.find("hello");
  REQUIRE(hello);
  CHECK(hello->current == 2);
  CHECK(hello->versions.size() == 2);
  CHECK(std::filesystem::exists(deployments.artifact_path("hello", 1)));
}

TEST_CASE(
    "admin state: secrets are set, listed as digests, unset, and refused by Supabase's rules") {
  TempDir dir;
  auto file = dir.path / "secrets.json";
  {
    Secrets secrets(file);
    secrets.set({{"API_KEY", "s3cret"}, {"OTHER", "x"}});
    CHECK(mode_of(file) == 0600);
    auto listed = secrets.list();
    REQUIRE(listed.size() == 2);
    CHECK(listed[0].name == "API_KEY");
    CHECK(listed[0].digest == util::sha256_hex("s3cret"));
    CHECK(error_of([&] {
            secrets.set({{"SUPABASE_URL", "x"}});
          }) == "Env name cannot start with SUPABASE_: SUPABASE_URL");
    CHECK(error_of([&] { secrets.set({{"1BAD", "x"}}); }).starts_with("invalid secret name"));
    CHECK(secrets.unset({"OTHER", "NEVER_SET"}) == std::vector<std::string>{"NEVER_SET"});
  }
  Secrets again(file);
  CHECK(again.values() == std::vector<std::pair<std::string, std::string>>{{"API_KEY", "s3cret"}});
}

TEST_CASE("server::route sends /_admin/ to the admin API, never to a function") {
  CHECK(server::route("/_admin/v1/functions").kind == server::Route::Kind::admin);
  CHECK(server::route("/_admin").kind == server::Route::Kind::admin);
  CHECK(server::route("/functions/v1/_admin/x").kind == server::Route::Kind::function);
}

TEST_CASE("util::write_file_durable replaces a file whole, with the mode asked for") {
  TempDir dir;
  auto path = dir.path / "state.json";
  util::write_file_durable(path, "one");
  util::write_file_durable(path, "two", 0640);
  CHECK(util::read_file(path) == "two");
  CHECK(mode_of(path) == 0640);
  CHECK(error_of([&] {
          util::write_file_durable(dir.path / "missing" / "x", "y");
        }).starts_with("cannot write " + (dir.path / "missing").string()));
}

TEST_SUITE_END();
