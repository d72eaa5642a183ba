// The AWS shared config and credential chain: environment, ~/.aws files, credential_process
// and web identity (against tests/oracles/aws_endpoint.mjs standing in for STS).
#include "support/aws_endpoint.hpp"
#include "support/error_of.hpp"
#include "support/temp_dir.hpp"

#include "deploy/aws/config.hpp"
#include "deploy/aws/credentials.hpp"
#include "deploy/aws/run_process.hpp"
#include "util/error.hpp"
#include "util/files.hpp"

#include <doctest/doctest.h>
#include <sys/stat.h>

#include <map>

namespace {

using test_support::error_of;

using deploy::aws::Config;
using Env = std::map<std::string, std::string>;

deploy::aws::EnvLookup lookup(const Env& env) {
  return [env](const std::string& name) -> std::optional<std::string> {
    auto it = env.find(name);
    if (it == env.end()) {
      return std::nullopt;
    }
    return it->second;
  };
}

// A folder standing in for $HOME, with ~/.aws/config and ~/.aws/credentials.
struct Home {
  test_support::TempDir dir{"sbfn-aws-home"};
  Home(const std::string& config, const std::string& credentials) {
    std::filesystem::create_directories(dir.path / ".aws");
    util::write_file_atomic(dir.path / ".aws" / "config", config);
    util::write_file_atomic(dir.path / ".aws" / "credentials", credentials);
  }
  Env env(Env extra = {}) const {
    extra["HOME"] = dir.path.string();
    return extra;
  }
};

std::string write_script(const std::filesystem::path& path, const std::string& body) {
  util::write_file_atomic(path, "#!/bin/sh\n" + body);
  ::chmod(path.c_str(), 0755);
  return path.string();
}

}  // namespace

TEST_SUITE_BEGIN("deploy");

TEST_CASE("deploy::aws::parse_ini sections, comments and nested keys") {
  auto ini = deploy::aws::parse_ini(
      "# comment\n; another\n[default]\nregion = eu-west-1\n\n"
      "[profile dev]\nregion=us-east-2\ns3 =\n  max_concurrent_requests = 20\n"
      "[services local]\necr =\n  endpoint_url = http://127.0.0.1:1\n",
      "config");
  CHECK(ini["default"]["region"] == "eu-west-1");
  CHECK(ini["profile dev"]["region"] == "us-east-2");
  CHECK(ini["profile dev"]["s3.max_concurrent_requests"] == "20");
  CHECK(ini["services local"]["ecr.endpoint_url"] == "http://127.0.0.1:1");
  CHECK(error_of([] { deploy::aws::parse_ini("[default]\njunk line\n", "cfg"); }) ==
        "cfg:2: expected `key = value`, found: junk line");
  CHECK(error_of([] {
          deploy::aws::parse_ini("[default\n", "cfg");
        }).starts_with("cfg:1: a section header needs a closing ]"));
}

TEST_CASE("deploy::aws::Config profiles: [profile x] in config, [x] in credentials") {
  Home home(
      "[default]\nregion = eu-west-1\n[profile dev]\nregion = us-east-2\n"
      "[ops]\nregion = never-read\n",
      "[default]\naws_access_key_id = AKDEFAULT\naws_secret_access_key = s1\n"
      "[dev]\naws_access_key_id = AKDEV\naws_secret_access_key = s2\naws_session_token = t2\n");
  auto defaults = Config::load(lookup(home.env()));
  CHECK(defaults.profile() == "default");
  CHECK(defaults.region() == "eu-west-1");
  auto credentials = deploy::aws::resolve_credentials(defaults);
  CHECK(credentials.access_key_id == "AKDEFAULT");
  CHECK(credentials.source ==
        "profile default in " + (home.dir.path / ".aws/credentials").string());

  auto dev = Config::load(lookup(home.env({{"AWS_PROFILE", "dev"}})));
  CHECK(dev.region() == "us-east-2");
  credentials = deploy::aws::resolve_credentials(dev);
  CHECK(credentials.access_key_id == "AKDEV");
  CHECK(credentials.session_token == "t2");

  // In the config file a bare [ops] is not the profile ops (only [profile ops] is).
  CHECK(error_of([&] {
          Config::load(lookup(home.env({{"AWS_PROFILE", "ops"}})));
        }).starts_with("AWS_PROFILE is ops, but there is no [profile ops] in"));
}

TEST_CASE("deploy::aws::Config file locations and region precedence") {
  test_support::TempDir dir("sbfn-aws-files");
  util::write_file_atomic(dir.path / "cfg", "[default]\nregion = ap-south-1\n");
  util::write_file_atomic(dir.path / "creds",
                          "[default]\naws_access_key_id = AKFILE\naws_secret_access_key = s\n");
  Env env = {{"AWS_CONFIG_FILE", (dir.path / "cfg").string()},
             {"AWS_SHARED_CREDENTIALS_FILE", (dir.path / "creds").string()},
             {"HOME", "/nonexistent"}};
  CHECK(Config::load(lookup(env)).region() == "ap-south-1");
  CHECK(deploy::aws::resolve_credentials(Config::load(lookup(env))).access_key_id == "AKFILE");
  env["AWS_DEFAULT_REGION"] = "eu-north-1";
  CHECK(Config::load(lookup(env)).region() == "eu-north-1");
  env["AWS_REGION"] = "sa-east-1";
  CHECK(Config::load(lookup(env)).region() == "sa-east-1");
  // No files at all: no region, and no credentials, with a message naming the ways.
  auto empty = Config::load(lookup({{"HOME", "/nonexistent"}}));
  CHECK(!empty.region());
  auto message = error_of([&] { deploy::aws::resolve_credentials(empty); });
  CHECK(message.starts_with("no AWS credentials found: set AWS_ACCESS_KEY_ID"));
  CHECK(message.find("AWS_WEB_IDENTITY_TOKEN_FILE") != std::string::npos);
}

TEST_CASE("deploy::aws::Config endpoints as the SDKs read them") {
  Home home(
      "[default]\nregion = eu-west-1\nendpoint_url = http://profile:1\nservices = local\n"
      "[services local]\necs =\n  endpoint_url = http://services-ecs:2\n",
      "");
  auto at = [&](Env extra, const std::string& service) {
    return Config::load(lookup(home.env(std::move(extra)))).endpoint(service, "eu-west-1");
  };
  CHECK(at({}, "ecs") == "http://services-ecs:2");
  CHECK(at({}, "ecr") == "http://profile:1");
  CHECK(at({{"AWS_ENDPOINT_URL", "http://global:3"}}, "ecs") == "http://global:3");
  CHECK(at({{"AWS_ENDPOINT_URL", "http://global:3"}, {"AWS_ENDPOINT_URL_ECS", "http://ecs:4"}},
           "ecs") == "http://ecs:4");
  CHECK(at({{"AWS_ENDPOINT_URL_CLOUDFORMATION", "http://cfn:5"}}, "cloudformation") ==
        "http://cfn:5");
  CHECK(at({{"AWS_ENDPOINT_URL_STS", "http://sts:6"}}, "sts") == "http://sts:6");
  CHECK(at({{"AWS_ENDPOINT_URL_ECS", "http://ecs:4"},
            {"AWS_IGNORE_CONFIGURED_ENDPOINT_URLS", "true"}},
           "ecs") == "https://ecs.eu-west-1.amazonaws.com");
  CHECK(deploy::aws::default_endpoint("ecr", "us-east-1") ==
        "https://api.ecr.us-east-1.amazonaws.com");
  CHECK(deploy::aws::default_endpoint("cloudformation", "cn-north-1") ==
        "https://cloudformation.cn-north-1.amazonaws.com.cn");
  CHECK(deploy::aws::default_endpoint("sts", "eu-west-1") == "https://sts.eu-west-1.amazonaws.com");
}

TEST_CASE("deploy::aws::resolve_credentials environment first, and half a pair is an error") {
  Home home("", "[default]\naws_access_key_id = AKFILE\naws_secret_access_key = s\n");
  auto config = Config::load(lookup(home.env({{"AWS_ACCESS_KEY_ID", "AKENV"},
                                              {"AWS_SECRET_ACCESS_KEY", "senv"},
                                              {"AWS_SESSION_TOKEN", "tenv"}})));
  auto credentials = deploy::aws::resolve_credentials(config);
  CHECK(credentials.access_key_id == "AKENV");
  CHECK(credentials.session_token == "tenv");
  CHECK(credentials.source.starts_with("environment variables"));
  auto half = Config::load(lookup(home.env({{"AWS_ACCESS_KEY_ID", "AKENV"}})));
  CHECK(error_of([&] {
          deploy::aws::resolve_credentials(half);
        }).ends_with("has an access key id but no secret access key: set both"));
}

TEST_CASE("deploy::aws::resolve_credentials runs credential_process without a shell") {
  Home home("", "");
  std::filesystem::create_directories(home.dir.path / "a dir");
  auto script = write_script(
      home.dir.path / "a dir" / "creds.sh",
      "[ \"$1\" = 'two words' ] || { echo \"bad argument: $1\" >&2; exit 3; }\n"
      "echo '{\"Version\": 1, \"AccessKeyId\": \"AKPROC\", \"SecretAccessKey\": \"sproc\",'\n"
      "echo ' \"SessionToken\": \"tproc\", \"Expiration\": \"2030-01-02T03:04:05Z\"}'\n");
  util::write_file_atomic(
      home.dir.path / ".aws" / "config",
      "[default]\nregion = eu-west-1\ncredential_process = \"" + script + "\" 'two words'\n");
  auto credentials = deploy::aws::resolve_credentials(Config::load(lookup(home.env())));
  CHECK(credentials.access_key_id == "AKPROC");
  CHECK(credentials.secret_access_key == "sproc");
  CHECK(credentials.session_token == "tproc");
  REQUIRE(credentials.expiration);
  CHECK(*credentials.expiration == *deploy::aws::parse_iso8601("2030-01-02T03:04:05Z"));
  CHECK(credentials.source.starts_with("credential_process of profile default in"));

  // A failing command's stderr is the message.
  util::write_file_atomic(home.dir.path / ".aws" / "config",
                          "[default]\ncredential_process = \"" + script + "\" other\n");
  auto message =
      error_of([&] { deploy::aws::resolve_credentials(Config::load(lookup(home.env()))); });
  CHECK(message.find("failed with exit code 3: bad argument: other") != std::string::npos);
}

TEST_CASE("deploy::aws::parse_credential_process_output checks what it reads") {
  using deploy::aws::parse_credential_process_output;
  auto minimal = parse_credential_process_output(
      R"({"Version":1,"AccessKeyId":"A","SecretAccessKey":"S"})", "p");
  CHECK(minimal.session_token.empty());
  CHECK(!minimal.expiration);
  CHECK(error_of([] { parse_credential_process_output("not json", "p"); }) ==
        "p printed something that is not JSON: not json");
  CHECK(error_of([] {
          parse_credential_process_output(
              R"({"Version":2,"AccessKeyId":"A","SecretAccessKey":"S"})", "p");
        }) == "p must print a JSON object with \"Version\": 1");
  CHECK(error_of([] {
          parse_credential_process_output(R"({"Version":1,"AccessKeyId":"A"})", "p");
        }) == "p printed no SecretAccessKey");
  CHECK(error_of([] {
          parse_credential_process_output(
              R"({"Version":1,"AccessKeyId":"A","SecretAccessKey":"S","Expiration":"tomorrow"})",
              "p");
        }) == "p printed an Expiration that is not an ISO 8601 time: tomorrow");
}

TEST_CASE("deploy::aws::parse_iso8601 and split_command_line") {
  using deploy::aws::parse_iso8601;
  auto base = parse_iso8601("2026-12-02T01:00:00Z");
  REQUIRE(base);
  CHECK(std::chrono::system_clock::to_time_t(*base) == 1796173200);
  CHECK(parse_iso8601("2026-12-02T01:00:00.123Z") == base);
  CHECK(parse_iso8601("2026-12-02T02:30:00+01:30") == base);
  CHECK(parse_iso8601("2026-12-01T23:00:00-02:00") == base);
  CHECK(!parse_iso8601("2026-12-02 01:00:00Z"));
  CHECK(!parse_iso8601("2026-12-02T01:00:00"));

  using deploy::aws::split_command_line;
  CHECK(split_command_line(R"(a  'b c' "d \"e\" $f" g\ h '')") ==
        std::vector<std::string>{"a", "b c", "d \"e\" $f", "g h", ""});
  CHECK(error_of([] { split_command_line("a 'b"); }) == "unterminated ' in: a 'b");
}

TEST_CASE("deploy::aws::resolve_credentials web identity through STS, unsigned") {
  test_support::TempDir dir("sbfn-aws-wi");
  util::write_file_atomic(dir.path / "token", "eyJ.web.identity\n");
  nlohmann::json state = {{"region", "eu-west-1"},
                          {"account", "123456789012"},
                          {"keys", nlohmann::json::object()},
                          {"webIdentity",
                           {{"token", "eyJ.web.identity"},
                            {"roleArn", "arn:aws:iam::123456789012:role/ci"},
                            {"issue",
                             {{"AccessKeyId", "ASIAWI"},
                              {"SecretAccessKey", "swi"},
                              {"SessionToken", "twi&<x>"},
                              {"Expiration", "2030-05-06T07:08:09Z"}}}}}};
  test_support::AwsEndpoint sts(state);
  Env env = {{"HOME", "/nonexistent"},
             {"AWS_REGION", "eu-west-1"},
             {"AWS_ENDPOINT_URL_STS", sts.url()},
             {"AWS_WEB_IDENTITY_TOKEN_FILE", (dir.path / "token").string()},
             {"AWS_ROLE_ARN", "arn:aws:iam::123456789012:role/ci"},
             {"AWS_ROLE_SESSION_NAME", "gh-run-1"}};
  auto credentials = deploy::aws::resolve_credentials(Config::load(lookup(env)));
  CHECK(credentials.access_key_id == "ASIAWI");
  CHECK(credentials.secret_access_key == "swi");
  CHECK(credentials.session_token == "twi&<x>");
  CHECK(credentials.expiration == deploy::aws::parse_iso8601("2030-05-06T07:08:09Z"));
  auto log = sts.log();
  REQUIRE(log.size() == 1);
  CHECK(log[0]["verdict"] == "ok");
  CHECK(log[0]["body"].get<std::string>().find("RoleSessionName=gh-run-1") != std::string::npos);

  util::write_file_atomic(dir.path / "token", "stale");
  auto message = error_of([&] { deploy::aws::resolve_credentials(Config::load(lookup(env))); });
  CHECK(message ==
        "STS AssumeRoleWithWebIdentity for arn:aws:iam::123456789012:role/ci "
        "(AWS_WEB_IDENTITY_TOKEN_FILE and AWS_ROLE_ARN) failed: InvalidIdentityToken: "
        "Couldn't retrieve verification key from your identity provider");
}

TEST_SUITE_END();

TEST_SUITE_BEGIN("deploy");

TEST_CASE("deploy::aws::resolve_credentials from the container endpoint (ECS, CodeBuild)") {
  test_support::TempDir dir("sbfn-aws-container");
  util::write_file_atomic(dir.path / "token", "Bearer-abc\n");
  nlohmann::json state = {{"region", "eu-west-1"},
                          {"account", "123456789012"},
                          {"keys", nlohmann::json::object()},
                          {"container",
                           {{"token", "Bearer-abc"},
                            {"issue",
                             {{"AccessKeyId", "ASIATASK"},
                              {"SecretAccessKey", "stask"},
                              {"Token", "ttask"},
                              {"Expiration", "2030-01-01T00:00:00Z"}}}}}};
  test_support::AwsEndpoint endpoint(state);
  Env env = {{"HOME", "/nonexistent"},
             {"AWS_CONTAINER_CREDENTIALS_FULL_URI", endpoint.url() + "/container-credentials"},
             {"AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE", (dir.path / "token").string()}};
  auto credentials = deploy::aws::resolve_credentials(Config::load(lookup(env)));
  CHECK(credentials.access_key_id == "ASIATASK");
  CHECK(credentials.secret_access_key == "stask");
  CHECK(credentials.session_token == "ttask");
  CHECK(credentials.expiration == deploy::aws::parse_iso8601("2030-01-01T00:00:00Z"));
  CHECK(credentials.source == "container credentials: AWS_CONTAINER_CREDENTIALS_FULL_URI");

  env["AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE"] = (dir.path / "missing").string();
  CHECK(error_of([&] {
          deploy::aws::resolve_credentials(Config::load(lookup(env)));
        }).starts_with("cannot read AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE"));
  env.erase("AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE");
  env["AWS_CONTAINER_AUTHORIZATION_TOKEN"] = "wrong";
  CHECK(error_of([&] {
          deploy::aws::resolve_credentials(Config::load(lookup(env)));
        }).find("answered HTTP 403") != std::string::npos);
  // The token is never sent to another machine over plain HTTP.
  env["AWS_CONTAINER_CREDENTIALS_FULL_URI"] = "http://credentials.example.com/creds";
  CHECK(error_of([&] { deploy::aws::resolve_credentials(Config::load(lookup(env))); }) ==
        "AWS_CONTAINER_CREDENTIALS_FULL_URI must be https or a loopback or ECS address, not "
        "http://credentials.example.com/creds");
}

TEST_SUITE_END();
