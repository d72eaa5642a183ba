// CloudFormation through our query-protocol client, against tests/oracles/aws_endpoint.mjs
// (signatures verified with AWS's own signer; replies in CloudFormation's XML shapes).
#include "support/aws_endpoint.hpp"
#include "support/error_of.hpp"

#include "deploy/aws/cloudformation.hpp"

#include <doctest/doctest.h>

namespace {

using test_support::error_of;

using deploy::aws::StackEvent;

const std::string k_template = R"({
  "Parameters": {"ImageUri": {"Type": "String"}, "DesiredCount": {"Type": "Number", "Default": 1}},
  "Resources": {
    "Cluster": {"Type": "AWS::ECS::Cluster"},
    "ExecutionRole": {"Type": "AWS::IAM::Role", "Properties": {"AssumeRolePolicyDocument": {}}},
    "Service": {"Type": "AWS::ECS::Service"}
  },
  "Outputs": {"LoadBalancerUrl": {"Value": {"Fn::GetAtt": ["LB", "DNSName"]}}}
})";

nlohmann::json aws_state(nlohmann::json cloudformation) {
  return {{"region", "eu-west-1"},
          {"account", "123456789012"},
          {"keys", {{"AKLONG", {{"secret", "long-term-secret"}}}}},
          {"cloudformation", std::move(cloudformation)}};
}

deploy::aws::CloudFormation cloudformation_at(const test_support::AwsEndpoint& aws) {
  deploy::aws::Endpoint endpoint{
      aws.url(),
      {"eu-west-1", "cloudformation"},
      {"AKLONG", "long-term-secret", "", std::nullopt, "the test's keys"}};
  return deploy::aws::CloudFormation(deploy::aws::Client(std::move(endpoint), ""));
}

deploy::aws::StackRequest request(const std::string& name, const std::string& image) {
  return {name, k_template, {{"ImageUri", image}}, {"CAPABILITY_IAM"}, {{"app", "sbfn"}}};
}

deploy::aws::StackWaitOptions no_wait(int attempts = 100) {
  deploy::aws::StackWaitOptions options;
  options.max_attempts = attempts;
  options.sleep = [](std::chrono::seconds) {};
  return options;
}

std::vector<std::string> lines(const std::vector<StackEvent>& events) {
  std::vector<std::string> out;
  for (const auto& event : events) {
    out.push_back(event.status + " " + event.logical_id);
  }
  return out;
}

}  // namespace

TEST_SUITE_BEGIN("deploy");

TEST_CASE("deploy::aws CloudFormation creates, updates and leaves alone a stack") {
  test_support::AwsEndpoint aws(
      aws_state({{"outputs", {{"LoadBalancerUrl", "app-1.eu-west-1.elb.amazonaws.com"}}}}));
  auto cloudformation = cloudformation_at(aws);
  std::vector<StackEvent> events;
  auto record = [&](const StackEvent& event) { events.push_back(event); };

  auto created = cloudformation.deploy(request("app", "registry/app:v1"), no_wait(), record);
  CHECK(created.status == "CREATE_COMPLETE");
  CHECK(created.changed);
  CHECK(created.outputs.at("LoadBalancerUrl") == "app-1.eu-west-1.elb.amazonaws.com");
  // Every event once, oldest first, though they were read newest first in pages of three.
  CHECK(lines(events) ==
        std::vector<std::string>{"CREATE_IN_PROGRESS app", "CREATE_IN_PROGRESS Cluster",
                                 "CREATE_COMPLETE Cluster", "CREATE_IN_PROGRESS ExecutionRole",
                                 "CREATE_COMPLETE ExecutionRole", "CREATE_IN_PROGRESS Service",
                                 "CREATE_COMPLETE Service", "CREATE_COMPLETE app"});
  CHECK(events[0].reason == "User Initiated");
  CHECK(events[0].resource_type == "AWS::CloudFormation::Stack");
  CHECK(events[0].timestamp.starts_with("2026-01-01T"));

  events.clear();
  auto updated = cloudformation.deploy(request("app", "registry/app:v2"), no_wait(), record);
  CHECK(updated.status == "UPDATE_COMPLETE");
  CHECK(lines(events).front() == "UPDATE_IN_PROGRESS app");
  CHECK(lines(events).back() == "UPDATE_COMPLETE app");
  CHECK(events.size() == 9);  // no event of the creation again

  events.clear();
  auto same = cloudformation.deploy(request("app", "registry/app:v2"), no_wait(), record);
  CHECK(!same.changed);
  CHECK(same.status == "UPDATE_COMPLETE");
  CHECK(same.outputs.at("LoadBalancerUrl") == "app-1.eu-west-1.elb.amazonaws.com");
  CHECK(events.empty());

  bool saw_create = false;
  for (const auto& entry : aws.log()) {
    CHECK(entry["verdict"] == "ok");
    if (entry["operation"] == "CreateStack") {
      saw_create = true;
      const auto body = entry["body"].get<std::string>();
      CHECK(body.starts_with("Action=CreateStack&Version=2010-05-15&StackName=app&TemplateBody="));
      CHECK(body.find("&Parameters.member.1.ParameterKey=ImageUri&Parameters.member.1."
                      "ParameterValue=registry%2Fapp%3Av1") != std::string::npos);
      CHECK(body.find("&Capabilities.member.1=CAPABILITY_IAM") != std::string::npos);
      CHECK(body.find("&Tags.member.1.Key=app&Tags.member.1.Value=sbfn") != std::string::npos);
    }
  }
  CHECK(saw_create);
}

TEST_CASE("deploy::aws CloudFormation rollback: the failing resource's reason, then refusal") {
  test_support::AwsEndpoint aws(aws_state(
      {{"failResource", "Service"},
       {"failReason",
        "Resource handler returned message: \"Invalid request provided: subnets must be in "
        "two availability zones\""}}));
  auto cloudformation = cloudformation_at(aws);
  std::vector<StackEvent> events;
  auto message = error_of([&] {
    cloudformation.deploy(request("bad", "registry/app:v1"), no_wait(),
                          [&](const StackEvent& event) { events.push_back(event); });
  });
  CHECK(message ==
        "the CloudFormation stack bad ended in ROLLBACK_COMPLETE instead of CREATE_COMPLETE: "
        "Service (AWS::ECS::Service): Resource handler returned message: \"Invalid request "
        "provided: subnets must be in two availability zones\" (the failed stack must be deleted "
        "before it can be created again)");
  CHECK(lines(events).back() == "ROLLBACK_COMPLETE bad");
  CHECK(
      error_of([&] { cloudformation.deploy(request("bad", "registry/app:v1"), no_wait(), {}); }) ==
      "the CloudFormation stack bad is in ROLLBACK_COMPLETE after a failed creation and cannot "
      "be updated: delete it (`aws cloudformation delete-stack --stack-name bad`) and deploy "
      "again");
}

TEST_CASE("deploy::aws CloudFormation errors: capabilities, missing stack") {
  test_support::AwsEndpoint aws(aws_state(nlohmann::json::object()));
  auto cloudformation = cloudformation_at(aws);
  auto without_iam = request("app", "i");
  without_iam.capabilities.clear();
  CHECK(error_of([&] { cloudformation.deploy(without_iam, no_wait(), {}); }) ==
        "cloudformation:CreateStack failed: InsufficientCapabilitiesException: Requires "
        "capabilities : [CAPABILITY_IAM]");
  CHECK(!cloudformation.describe("nope"));
  for (const auto& entry : aws.log()) {
    CHECK(entry["verdict"] == "ok");
  }
}

TEST_CASE("deploy::aws::format_stack_event") {
  StackEvent event{"id", "t", "Service", "AWS::ECS::Service", "CREATE_FAILED", "boom"};
  auto line = deploy::aws::format_stack_event(event);
  CHECK(line.starts_with("CREATE_FAILED "));
  CHECK(line.find("AWS::ECS::Service") == 46);
  CHECK(line.substr(90, 8) == "Service ");
  CHECK(line.ends_with(" boom"));
  event.reason.clear();
  CHECK(deploy::aws::format_stack_event(event).ends_with(" -"));
}

TEST_SUITE_END();
