#pragma once

// AWS Signature Version 4 (HMAC-SHA256) for the non-S3 services sbfn calls (ECR, ECS,
// CloudFormation, STS): paths are normalised and encoded twice, as botocore and the JS SDK
// do for every service but S3. Facts: /work/shared/reference/deploy.md §4.

#include "deploy/aws/credentials.hpp"

#include <chrono>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace deploy::aws {

using Headers = std::vector<std::pair<std::string, std::string>>;
// Decoded names and values, in the order given; a name may repeat.
using QueryParams = std::vector<std::pair<std::string, std::string>>;

// What gets signed: one HTTP request as it will go on the wire.
struct SignableRequest {
  std::string method = "POST";
  std::string path = "/";  // as sent: percent-encoded once ("" means "/")
  QueryParams query;
  Headers headers;  // must hold Host; names in any case, repeats are joined with ","
  std::string body;
};

// Where a signature is valid: the credential scope's region and signing name.
struct Scope {
  std::string region;
  std::string service;  // signing name: "ecr", "ecs", "cloudformation", "sts"
};

// The steps of one signature, kept for tests and for `--verbose` diagnostics.
struct Signature {
  std::string canonical_request;
  std::string string_to_sign;
  std::string signature;      // lower-case hex
  std::string authorization;  // the Authorization header's value
};

// `name=value&...` with both encoded, in the given order: a query string or a form body.
std::string encode_query(const QueryParams& query);

// `YYYYMMDDTHHMMSSZ` in UTC, the X-Amz-Date format.
std::string amz_date(std::chrono::system_clock::time_point when);

// The derived key: HMAC chain over "AWS4"+secret, `date` (YYYYMMDD), region, service and
// "aws4_request". Raw 32 bytes.
std::string signing_key(std::string_view secret, std::string_view date, const Scope& scope);

// Signs `request` at `when`: adds X-Amz-Date, X-Amz-Security-Token (temporary credentials
// only; signed too) and Authorization to its headers. The payload hash is the value of an
// x-amz-content-sha256 header when there is one, else the SHA-256 of the body.
Signature sign(SignableRequest& request, const Credentials& credentials, const Scope& scope,
               std::chrono::system_clock::time_point when);

}  // namespace deploy::aws
