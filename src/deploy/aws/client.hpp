#pragma once

// Signed calls to one AWS service: the JSON-1.1 protocol (ECR, ECS) and the query protocol
// (CloudFormation), with AWS's error replies turned into messages a person can act on.
// Facts: /work/shared/reference/deploy.md §6–§8.

#include "deploy/aws/credentials.hpp"
#include "deploy/aws/sigv4.hpp"
#include "deploy/aws/xml.hpp"
#include "util/error.hpp"

#include <nlohmann/json.hpp>

#include <chrono>
#include <functional>
#include <string>

namespace deploy::aws {

// An error reply from AWS. what() is the message for a person; `code` is AWS's error code
// without its namespace (`RepositoryNotFoundException`), for callers that handle some.
class ServiceError : public util::Error {
 public:
  ServiceError(const std::string& message, std::string code, std::string aws_message, long status)
      : util::Error(message),
        code(std::move(code)),
        aws_message(std::move(aws_message)),
        status(status) {}
  std::string code;
  std::string aws_message;
  long status;
};

// Where and as whom a client calls.
struct Endpoint {
  std::string url;  // e.g. https://api.ecr.eu-west-1.amazonaws.com or http://127.0.0.1:4566
  Scope scope;      // region and signing name
  Credentials credentials;
};

// Turns an AWS error code and message into a sentence saying what happened and what to do;
// `operation` is e.g. "ecr:CreateRepository".
std::string explain_error(const std::string& code, const std::string& message,
                          const std::string& operation, const Credentials& credentials);

class Client {
 public:
  // `target_prefix` is the service's X-Amz-Target prefix, e.g.
  // "AmazonEC2ContainerRegistry_V20150921" (JSON services; empty for query services).
  Client(Endpoint endpoint, std::string target_prefix);

  // POSTs `input` to `operation` (JSON 1.1) and returns the reply's JSON. Throttling and
  // 5xx replies are retried a few times with back-off; other errors throw ServiceError.
  nlohmann::json call_json(const std::string& operation, const nlohmann::json& input);

  // POSTs `Action=operation&Version=version&params` (query protocol) and returns the reply's
  // document element (e.g. <DescribeStacksResponse>).
  XmlElement call_query(const std::string& operation, const std::string& version,
                        const QueryParams& params);

  const Endpoint& endpoint() const { return m_endpoint; }

  // How to wait between retries; tests replace it to not wait.
  std::function<void(std::chrono::milliseconds)> sleep;

 private:
  struct Reply {
    long status;
    std::string body;
    std::string request_id;
  };
  Reply post(const std::string& operation, const std::string& content_type, const std::string& body,
             const std::string& target);

  Endpoint m_endpoint;
  std::string m_target_prefix;
};

}  // namespace deploy::aws
