// SigV4: AWS's published worked examples, then a corpus signed both by us and by AWS's own
// JavaScript signer (tests/oracles/sigv4_sign.mjs), compared header for header.
#include "support/node_oracles.hpp"
#include "support/temp_dir.hpp"

#include "deploy/aws/sigv4.hpp"
#include "util/files.hpp"
#include "util/uri.hpp"

#include <doctest/doctest.h>
#include <nlohmann/json.hpp>

#include <chrono>
#include <cstdio>
#include <cstdlib>

namespace {

using deploy::aws::Credentials;
using deploy::aws::Scope;
using deploy::aws::SignableRequest;

const Credentials k_example_keys{
    "AKIDEXAMPLE", "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY", "", {}, "test"};

std::chrono::system_clock::time_point at(long long epoch_seconds) {
  return std::chrono::system_clock::time_point(std::chrono::seconds(epoch_seconds));
}

// 2015-08-30T12:36:00Z, the date of AWS's examples.
constexpr long long k_example_time = 1440938160;

std::string hex(const std::string& raw) {
  std::string out;
  char byte[3];
  for (unsigned char c : raw) {
    std::snprintf(byte, sizeof byte, "%02x", c);
    out += byte;
  }
  return out;
}

std::string header(const SignableRequest& request, const std::string& name) {
  for (const auto& [key, value] : request.headers) {
    if (key == name) {
      return value;
    }
  }
  return "(none)";
}

}  // namespace

TEST_SUITE_BEGIN("deploy");

TEST_CASE("deploy::aws::sign AWS's IAM ListUsers example, step by step") {
  SignableRequest request;
  request.method = "GET";
  request.path = "/";
  request.query = {{"Action", "ListUsers"}, {"Version", "2010-05-08"}};
  request.headers = {{"Host", "iam.amazonaws.com"},
                     {"Content-Type", "application/x-www-form-urlencoded; charset=utf-8"}};
  const Scope scope{"us-east-1", "iam"};
  auto signature = deploy::aws::sign(request, k_example_keys, scope, at(k_example_time));

  CHECK(signature.canonical_request ==
        "GET\n/\nAction=ListUsers&Version=2010-05-08\n"
        "content-type:application/x-www-form-urlencoded; charset=utf-8\n"
        "host:iam.amazonaws.com\nx-amz-date:20150830T123600Z\n\n"
        "content-type;host;x-amz-date\n"
        "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  CHECK(signature.string_to_sign ==
        "AWS4-HMAC-SHA256\n20150830T123600Z\n20150830/us-east-1/iam/aws4_request\n"
        "f536975d06c0309214f805bb90ccff089219ecd68b2577efef23edd43b7e1a59");
  CHECK(hex(deploy::aws::signing_key(k_example_keys.secret_access_key, "20150830", scope)) ==
        "c4afb1cc5771d871763a393e44b703571b55cc28424d1a5e86da6ed3c154a4b9");
  CHECK(signature.signature == "5d672d79c15b13162d9279b0855cfba6789a8edb4c82c400e06b5924a6f2b5d7");
  CHECK(header(request, "Authorization") ==
        "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/iam/aws4_request, "
        "SignedHeaders=content-type;host;x-amz-date, "
        "Signature=5d672d79c15b13162d9279b0855cfba6789a8edb4c82c400e06b5924a6f2b5d7");
  CHECK(header(request, "X-Amz-Date") == "20150830T123600Z");
  CHECK(header(request, "X-Amz-Security-Token") == "(none)");
}

TEST_CASE("deploy::aws::sign the test suite's get-vanilla and an ECR call") {
  SignableRequest vanilla;
  vanilla.method = "GET";
  vanilla.headers = {{"Host", "example.amazonaws.com"}};
  auto signature =
      deploy::aws::sign(vanilla, k_example_keys, {"us-east-1", "service"}, at(k_example_time));
  CHECK(signature.string_to_sign.ends_with(
      "bb579772317eb040ac9ed261061d46c1f17a8133879d6129b6e1c25292927e63"));
  CHECK(signature.signature == "5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31");

  SignableRequest ecr;
  ecr.body = "{}";
  ecr.headers = {{"Host", "api.ecr.us-east-1.amazonaws.com"},
                 {"Content-Type", "application/x-amz-json-1.1"},
                 {"X-Amz-Target", "AmazonEC2ContainerRegistry_V20150921.GetAuthorizationToken"}};
  signature = deploy::aws::sign(ecr, k_example_keys, {"us-east-1", "ecr"}, at(k_example_time));
  CHECK(signature.signature == "527a2155e9afc2426cb4c659023df9c031e8103458f349819615ff25111f5de0");
}

TEST_CASE("deploy::aws::sign signs the session token and replaces an earlier signature") {
  SignableRequest request;
  request.headers = {{"Host", "sts.eu-west-1.amazonaws.com"}};
  Credentials temporary = k_example_keys;
  temporary.session_token = "FQoGZXIvYXdzEXAMPLE//token+with/slashes=";
  deploy::aws::sign(request, temporary, {"eu-west-1", "sts"}, at(k_example_time));
  auto second =
      deploy::aws::sign(request, temporary, {"eu-west-1", "sts"}, at(k_example_time + 60));
  CHECK(header(request, "X-Amz-Security-Token") == temporary.session_token);
  CHECK(second.canonical_request.find("x-amz-security-token:" + temporary.session_token) !=
        std::string::npos);
  CHECK(header(request, "X-Amz-Date") == "20150830T123700Z");
  CHECK(request.headers.size() == 4);  // host, date, token, authorization: none twice
}

TEST_CASE("deploy::aws canonical paths: normalised, then encoded again (non-S3)") {
  SignableRequest request;
  request.method = "GET";
  request.path = "/a%20b/./c//d/../e/";
  request.headers = {{"Host", "h"}};
  auto signature = deploy::aws::sign(request, k_example_keys, {"r", "s"}, at(0));
  CHECK(signature.canonical_request.starts_with("GET\n/a%2520b/c/e/\n\n"));
  CHECK(util::percent_encode("a b/~é!") == "a%20b%2F~%C3%A9%21");
  CHECK(util::percent_encode("a b/c", true) == "a%20b/c");

  // A header sent twice is signed once, its values joined with "," in the order sent.
  SignableRequest repeated;
  repeated.headers = {{"Host", "h"}, {"X-Amz-Meta", " 1 "}, {"x-amz-meta", "2\t 3"}};
  auto joined = deploy::aws::sign(repeated, k_example_keys, {"r", "s"}, at(0));
  CHECK(joined.canonical_request.find("\nx-amz-meta:1,2 3\n") != std::string::npos);
  CHECK(joined.authorization.find("SignedHeaders=host;x-amz-date;x-amz-meta,") !=
        std::string::npos);
  CHECK(deploy::aws::encode_query({{"b", "x y"}, {"a", ""}}) == "b=x%20y&a=");
}

TEST_CASE("deploy::aws::sign matches AWS's JavaScript signer (@smithy/signature-v4)") {
  std::string why;
  auto oracle = test_support::oracle_dir(&why);
  REQUIRE_MESSAGE(oracle, why);

  struct Case {
    SignableRequest request;
    std::string host;
    Scope scope;
    std::string token;
    long long when;
  };
  const std::string ecr_target = "AmazonEC2ContainerRegistry_V20150921.";
  const std::string ecs_target = "AmazonEC2ContainerServiceV20141113.";
  std::vector<Case> cases = {
      {{"POST",
        "/",
        {},
        {{"Content-Type", "application/x-amz-json-1.1"},
         {"X-Amz-Target", ecr_target + "GetAuthorizationToken"}},
        "{}"},
       "api.ecr.eu-west-1.amazonaws.com",
       {"eu-west-1", "ecr"},
       "",
       1700000000},
      {{"POST",
        "/",
        {},
        {{"Content-Type", "application/x-amz-json-1.1"},
         {"X-Amz-Target", ecr_target + "CreateRepository"}},
        R"({"repositoryName":"team/app"})"},
       "api.ecr.us-east-1.amazonaws.com",
       {"us-east-1", "ecr"},
       "session/token+=",
       1700000001},
      {{"POST",
        "/",
        {},
        {{"Content-Type", "application/x-amz-json-1.1"},
         {"X-Amz-Target", ecs_target + "UpdateService"}},
        R"({"cluster":"c","service":"s","forceNewDeployment":true})"},
       "ecs.ap-southeast-2.amazonaws.com",
       {"ap-southeast-2", "ecs"},
       "",
       1735689599},
      {{"POST",
        "/",
        {},
        {{"Content-Type", "application/x-www-form-urlencoded; charset=utf-8"}},
        "Action=DescribeStacks&Version=2010-05-15&StackName=app"},
       "cloudformation.us-west-2.amazonaws.com",
       {"us-west-2", "cloudformation"},
       "tok",
       1600000000},
      {{"POST",
        "/",
        {},
        {{"Content-Type", "application/x-www-form-urlencoded"}},
        "Action=AssumeRoleWithWebIdentity&Version=2011-06-15&RoleArn=arn%3Aaws%3Aiam%3A%3A1%3Arole%"
        "2Fr"},
       "sts.amazonaws.com",
       {"us-east-1", "sts"},
       "",
       1500000000},
      // Paths: spaces, UTF-8, unreserved characters, dot segments, doubled and trailing slashes.
      {{"GET", "/a%20b/caf%C3%A9/x%2By", {}, {}, ""}, "h.example", {"us-east-1", "ecs"}, "", 1},
      {{"GET", "/-_.~azAZ09/", {}, {}, ""}, "h.example", {"us-east-1", "ecs"}, "", 2},
      {{"DELETE", "/a/./b//c/../d", {}, {}, ""}, "h.example", {"us-east-1", "ecr"}, "", 3},
      {{"PUT", "", {}, {}, "body"}, "h.example", {"eu-central-1", "ecr"}, "", 4},
      {{"GET", "/%E2%9C%93%20%21%2A%27%28%29", {}, {}, ""},
       "h.example",
       {"us-east-1", "sts"},
       "",
       5},
      // Queries: repeated names (values sorted), empty values, reserved and UTF-8 characters.
      {{"GET", "/", {{"b", "2"}, {"a", "z"}, {"a", "y"}, {"a", ""}}, {}, ""},
       "h.example",
       {"us-east-1", "cloudformation"},
       "",
       6},
      {{"GET",
        "/q",
        {{"Param", "with space & = + / ? é ✓"}, {"empty", ""}, {"*'()!", "~"}},
        {},
        ""},
       "h.example",
       {"us-east-1", "cloudformation"},
       "",
       7},
      {{"GET", "/", {{"Action", "ListUsers"}, {"Version", "2010-05-08"}}, {}, ""},
       "iam.amazonaws.com",
       {"us-east-1", "iam"},
       "",
       k_example_time},
      // Header values: runs of spaces and tabs folded, ends trimmed; names in any case;
      // User-Agent left unsigned.
      {{"POST",
        "/",
        {},
        {{"X-Amz-Target", "  a   b \t c  "},
         {"x-custom", "\tv1  v2\t"},
         {"User-Agent", "sbfn/1"},
         {"ACCEPT", "*/*"}},
        "x"},
       "h.example",
       {"sa-east-1", "ecs"},
       "",
       8},
      {{"POST", "/", {}, {{"Content-Type", "application/x-amz-json-1.1"}}, std::string(3000, 'z')},
       "h.example:8443",
       {"us-east-1", "ecs"},
       "a-very-long-token-" + std::string(300, 'T'),
       9},
  };

  nlohmann::json corpus = nlohmann::json::array();
  std::vector<std::string> ours;
  for (auto& c : cases) {
    c.request.headers.insert(c.request.headers.begin(), {"Host", c.host});
    nlohmann::json entry = {{"method", c.request.method},
                            {"host", c.host},
                            {"path", c.request.path.empty() ? "/" : c.request.path},
                            {"query", c.request.query},
                            {"headers", c.request.headers},
                            {"body", c.request.body},
                            {"region", c.scope.region},
                            {"service", c.scope.service},
                            {"accessKeyId", "AKIDEXAMPLE"},
                            {"secretAccessKey", k_example_keys.secret_access_key},
                            {"epochSeconds", c.when}};
    Credentials credentials = k_example_keys;
    if (!c.token.empty()) {
      entry["sessionToken"] = c.token;
      credentials.session_token = c.token;
    }
    corpus.push_back(entry);
    ours.push_back(deploy::aws::sign(c.request, credentials, c.scope, at(c.when)).authorization);
  }

  test_support::TempDir scratch("sbfn-sigv4");
  util::write_file_atomic(scratch.path / "corpus.json", corpus.dump());
  const std::string command = "node '" + (*oracle / "sigv4_sign.mjs").string() + "' '" +
                              (scratch.path / "corpus.json").string() + "' > '" +
                              (scratch.path / "out.json").string() + "'";
  const std::string failed = "the SigV4 oracle failed: " + command;
  REQUIRE_MESSAGE(std::system(command.c_str()) == 0, failed);
  auto theirs = nlohmann::json::parse(util::read_file(scratch.path / "out.json"));
  REQUIRE(theirs.size() == ours.size());
  for (std::size_t i = 0; i < ours.size(); ++i) {
    INFO("corpus entry ", i, ": ", corpus[i].dump());
    CHECK(ours[i] == theirs[i].get<std::string>());
  }
}

TEST_SUITE_END();
