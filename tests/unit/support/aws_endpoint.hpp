#pragma once

// tests/oracles/aws_endpoint.mjs, started for one test: a stand-in for AWS on 127.0.0.1 that
// verifies each request's SigV4 signature with AWS's own JS signer and answers as STS, ECR,
// ECS and CloudFormation do. Stopped when the object goes.

#include <nlohmann/json.hpp>
#include <sys/types.h>

#include <filesystem>
#include <string>

namespace test_support {

class AwsEndpoint {
 public:
  // Starts the server with `state` (see the script's header). Throws std::runtime_error
  // saying why when it cannot (npm packages missing, node failing).
  explicit AwsEndpoint(const nlohmann::json& state);
  ~AwsEndpoint();
  AwsEndpoint(const AwsEndpoint&) = delete;
  AwsEndpoint& operator=(const AwsEndpoint&) = delete;

  // http://127.0.0.1:PORT
  const std::string& url() const { return m_url; }
  // Every request it saw, in order: [{service, operation, body, verdict}].
  nlohmann::json log() const;

 private:
  std::filesystem::path m_state_file;
  pid_t m_pid = -1;
  std::string m_url;
};

}  // namespace test_support
