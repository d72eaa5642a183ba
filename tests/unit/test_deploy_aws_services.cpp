// ECR and ECS through our JSON-1.1 client, against tests/oracles/aws_endpoint.mjs: a stand-in
// for AWS that checks every signature with AWS's own signer and answers in AWS's shapes.
#include "support/aws_endpoint.hpp"
#include "support/error_of.hpp"

#include "deploy/aws/client.hpp"
#include "deploy/aws/ecr.hpp"
#include "deploy/aws/ecs.hpp"
#include "deploy/aws/session.hpp"

#include <doctest/doctest.h>

#include <map>

namespace {

using test_support::error_of;

using deploy::aws::Credentials;
using deploy::aws::Endpoint;

const char* k_region = "eu-west-1";

nlohmann::json aws_state() {
  return {
      {"region", k_region},
      {"account", "123456789012"},
      {"keys",
       {{"AKLONG", {{"secret", "long-term-secret"}}},
        {"ASIATEMP", {{"secret", "temp-secret"}, {"sessionToken", "the/session+token="}}},
        {"ASIAOLD", {{"secret", "old-secret"}, {"sessionToken", "old"}, {"expired", true}}}}},
      {"ecr", {{"repositories", {"existing"}}, {"password", "ecr-password:with-colon"}}},
      {"ecs",
       {{"cluster", "prod"},
        {"services", {{"api", {{"desired", 2}}}, {"broken", {{"desired", 1}, {"fail", true}}}}}}}};
}

Credentials keys(const std::string& id, const std::string& secret, const std::string& token = "") {
  return Credentials{id, secret, token, std::nullopt, "the test's keys"};
}

Endpoint at(const test_support::AwsEndpoint& aws, const std::string& service,
            Credentials credentials = keys("AKLONG", "long-term-secret")) {
  return Endpoint{aws.url(), {k_region, service}, std::move(credentials)};
}

deploy::aws::Ecr ecr_at(const test_support::AwsEndpoint& aws, Credentials credentials) {
  return deploy::aws::Ecr(deploy::aws::Client(at(aws, "ecr", std::move(credentials)),
                                              "AmazonEC2ContainerRegistry_V20150921"));
}

deploy::aws::Ecs ecs_at(const test_support::AwsEndpoint& aws) {
  deploy::aws::Client client(at(aws, "ecs"), "AmazonEC2ContainerServiceV20141113");
  return deploy::aws::Ecs(std::move(client));
}

deploy::aws::WaitOptions no_wait(int attempts = 40) {
  deploy::aws::WaitOptions options;
  options.max_attempts = attempts;
  options.sleep = [](std::chrono::seconds) {};
  return options;
}

}  // namespace

TEST_SUITE_BEGIN("deploy");

TEST_CASE("deploy::aws ECR GetAuthorizationToken gives the registry login") {
  test_support::AwsEndpoint aws(aws_state());
  for (const auto& credentials : {keys("AKLONG", "long-term-secret"),
                                  keys("ASIATEMP", "temp-secret", "the/session+token=")}) {
    auto login = ecr_at(aws, credentials).login();
    CHECK(login.username == "AWS");
    CHECK(login.password == "ecr-password:with-colon");
    CHECK(login.registry == "123456789012.dkr.ecr.eu-west-1.amazonaws.com");
    CHECK(std::chrono::system_clock::to_time_t(login.expires_at) == 1700043200);
  }
  auto log = aws.log();
  REQUIRE(log.size() == 2);
  for (const auto& entry : log) {
    CHECK(entry["verdict"] == "ok");
    CHECK(entry["operation"] == "GetAuthorizationToken");
    CHECK(entry["body"] == "{}");
  }
}

TEST_CASE("deploy::aws ECR repositories: create, already there, missing") {
  test_support::AwsEndpoint aws(aws_state());
  auto ecr = ecr_at(aws, keys("AKLONG", "long-term-secret"));
  CHECK(ecr.create_repository("team/app") == true);
  CHECK(ecr.create_repository("existing") == false);
  ecr.require_repository("team/app");
  CHECK(error_of([&] { ecr.require_repository("nope"); }) ==
        "the ECR repository nope does not exist (region eu-west-1): create it, or pass "
        "--create-repository and sbfn creates it");
  auto invalid = error_of([&] { ecr.create_repository("Bad Name"); });
  CHECK(invalid.starts_with(
      "ecr:CreateRepository failed: InvalidParameterException: Invalid parameter"));
  for (const auto& entry : aws.log()) {
    CHECK(entry["verdict"] == "ok");
  }
}

TEST_CASE("deploy::aws errors say what to do: expired, unknown key, bad signature") {
  test_support::AwsEndpoint aws(aws_state());
  CHECK(error_of([&] { ecr_at(aws, keys("ASIAOLD", "old-secret", "old")).login(); }) ==
        "AWS credentials expired: refresh them (they came from the test's keys) and run again "
        "(AWS said: The security token included in the request is expired)");
  CHECK(error_of([&] { ecr_at(aws, keys("AKNOBODY", "x")).login(); }) ==
        "AWS does not know the access key AKNOBODY (from the test's keys): check the key, and its "
        "session token if it has one (AWS said: The security token included in the request is "
        "invalid.)");
  auto bad = error_of([&] { ecr_at(aws, keys("AKLONG", "wrong-secret")).login(); });
  CHECK(
      bad.starts_with("AWS refused the request's signature: check the secret access key (from "
                      "the test's keys) and that this machine's clock is right"));
  auto log = aws.log();
  REQUIRE(log.size() == 3);
  CHECK(log[0]["verdict"] == "com.amazon.coral.service#ExpiredTokenException");
  CHECK(log[1]["verdict"] == "UnrecognizedClientException");
  CHECK(log[2]["verdict"] == "InvalidSignatureException");

  // Credentials known to have expired are not even sent.
  auto stale = keys("ASIATEMP", "temp-secret", "the/session+token=");
  stale.expiration = std::chrono::system_clock::now() - std::chrono::minutes(1);
  CHECK(error_of([&] {
          ecr_at(aws, stale).login();
        }).starts_with("AWS credentials expired: refresh them (they came from the test's keys)"));
  CHECK(aws.log().size() == 3);
}

TEST_CASE("deploy::aws::Session reads region, endpoint override and credentials once") {
  test_support::AwsEndpoint aws(aws_state());
  std::map<std::string, std::string> env = {{"HOME", "/nonexistent"},
                                            {"AWS_REGION", k_region},
                                            {"AWS_ACCESS_KEY_ID", "ASIATEMP"},
                                            {"AWS_SECRET_ACCESS_KEY", "temp-secret"},
                                            {"AWS_SESSION_TOKEN", "the/session+token="},
                                            {"AWS_ENDPOINT_URL_ECR", aws.url()}};
  auto lookup = [&](const std::string& name) -> std::optional<std::string> {
    auto it = env.find(name);
    return it == env.end() ? std::nullopt : std::optional(it->second);
  };
  auto session = deploy::aws::Session::load(lookup);
  CHECK(session.endpoint("ecs").url == "https://ecs.eu-west-1.amazonaws.com");
  CHECK(session.endpoint("ecr").url == aws.url());
  auto login = session.ecr().login();
  CHECK(login.password == "ecr-password:with-colon");
  CHECK(aws.log()[0]["verdict"] == "ok");

  // Without a region anywhere, the registry host's region serves; with none at all, an error.
  env.erase("AWS_REGION");
  CHECK(deploy::aws::Session::load(lookup, "eu-west-1").ecr().login().username == "AWS");
  CHECK(error_of([&] {
          deploy::aws::Session::load(lookup);
        }).starts_with("no AWS region: set AWS_REGION (or AWS_DEFAULT_REGION), or `region` in"));
}

TEST_CASE("deploy::aws throttled calls are retried, then reported") {
  auto state = aws_state();
  state["ecr"]["throttle"] = 6;
  test_support::AwsEndpoint aws(state);
  auto ecr = ecr_at(aws, keys("AKLONG", "long-term-secret"));
  std::vector<long> waits;
  ecr.client().sleep = [&](std::chrono::milliseconds delay) { waits.push_back(delay.count()); };
  CHECK(error_of([&] { ecr.login(); }) ==
        "ecr:GetAuthorizationToken failed: ThrottlingException: Rate exceeded");
  CHECK(waits == std::vector<long>{1000, 2000, 4000});  // four attempts, backing off
  waits.clear();
  CHECK(ecr.login().username == "AWS");  // two more throttles, then an answer
  CHECK(waits.size() == 2);
  CHECK(aws.log().size() == 7);
}

TEST_CASE("deploy::aws::parse_ecr_registry") {
  auto registry = deploy::aws::parse_ecr_registry("123456789012.dkr.ecr.eu-west-1.amazonaws.com");
  REQUIRE(registry);
  CHECK(registry->account == "123456789012");
  CHECK(registry->region == "eu-west-1");
  CHECK(deploy::aws::parse_ecr_registry("123456789012.dkr.ecr-fips.us-gov-west-1.amazonaws.com"));
  CHECK(
      deploy::aws::parse_ecr_registry("123456789012.dkr.ecr.cn-north-1.amazonaws.com.cn")->region ==
      "cn-north-1");
  CHECK(!deploy::aws::parse_ecr_registry("ghcr.io"));
  CHECK(!deploy::aws::parse_ecr_registry("12345.dkr.ecr.eu-west-1.amazonaws.com"));
}

TEST_CASE("deploy::aws ECS UpdateService then waits for the new deployment to be stable") {
  test_support::AwsEndpoint aws(aws_state());
  auto ecs = ecs_at(aws);
  auto deployment = ecs.force_new_deployment("prod", "api");
  CHECK(deployment == "ecs-svc/0000000000000000002");
  std::vector<deploy::aws::ServiceProgress> seen;
  ecs.wait_until_stable("prod", "api", deployment, no_wait(),
                        [&](const deploy::aws::ServiceProgress& p) { seen.push_back(p); });
  // The stale first look (one deployment, all running) must not count as stable.
  REQUIRE(seen.size() == 4);
  CHECK(seen[0].deployments == 1);
  CHECK(seen[0].rollout_state == "COMPLETED");
  CHECK(seen[1].deployments == 2);
  CHECK(seen[1].rollout_state == "IN_PROGRESS");
  CHECK(seen[1].newest_event == "(service api) has started 2 tasks: (task a).");
  CHECK(seen[3].deployments == 1);
  CHECK(seen[3].running == 2);
  CHECK(seen[3].desired == 2);
  CHECK(seen[3].rollout_state == "COMPLETED");
  CHECK(seen[3].newest_event == "(service api) has reached a steady state.");
  CHECK(deploy::aws::format_service_progress("api", seen[1]) ==
        "api: 2/2 running, 0 pending, 2 deployments, IN_PROGRESS: (service api) has started 2 "
        "tasks: (task a).");
  CHECK(deploy::aws::format_service_progress("api", seen[3]) ==
        "api: 2/2 running, 0 pending, 1 deployment, COMPLETED: (service api) has reached a steady "
        "state.");

  auto log = aws.log();
  REQUIRE(log.size() == 5);
  CHECK(log[0]["operation"] == "UpdateService");
  CHECK(nlohmann::json::parse(log[0]["body"].get<std::string>()) ==
        nlohmann::json{{"cluster", "prod"}, {"service", "api"}, {"forceNewDeployment", true}});
  for (const auto& entry : log) {
    CHECK(entry["verdict"] == "ok");
  }
}

TEST_CASE("deploy::aws ECS failures: circuit breaker, missing service, no patience left") {
  test_support::AwsEndpoint aws(aws_state());
  auto ecs = ecs_at(aws);
  auto deployment = ecs.force_new_deployment("prod", "broken");
  CHECK(error_of([&] { ecs.wait_until_stable("prod", "broken", deployment, no_wait(), {}); }) ==
        "the ECS deployment of broken failed: ECS deployment circuit breaker: tasks failed to "
        "start. (latest event: (service broken) deployment ecs-svc/0000000000000000002 deployment "
        "failed: tasks failed to start.)");
  CHECK(error_of([&] { ecs.force_new_deployment("prod", "nope"); }) ==
        "ECS has no active service nope in cluster prod: check --ecs-cluster and --ecs-service "
        "(Service not found.)");
  CHECK(error_of([&] { ecs.force_new_deployment("staging", "api"); }) ==
        "ECS has no cluster staging: check --ecs-cluster (Cluster not found.)");
  CHECK(error_of([&] { ecs.wait_until_stable("prod", "nope", "", no_wait(), {}); }) ==
        "ECS cannot describe service nope in cluster prod: MISSING (no such service: check "
        "--ecs-cluster and --ecs-service)");
  deployment = ecs.force_new_deployment("prod", "api");
  CHECK(error_of([&] { ecs.wait_until_stable("prod", "api", deployment, no_wait(2), {}); }) ==
        "ECS service api did not become stable after 2 checks (2 of 2 tasks running, 2 "
        "deployments; latest event: (service api) has started 2 tasks: (task a).)");
}

TEST_SUITE_END();
