#pragma once

// AWS credentials and the standard chain that finds them, in botocore's order: environment
// variables, web identity (AWS_WEB_IDENTITY_TOKEN_FILE + AWS_ROLE_ARN, or the profile's
// keys) through STS AssumeRoleWithWebIdentity, the credentials file, `credential_process`,
// keys in the config file, then the container endpoint (ECS tasks, CodeBuild:
// AWS_CONTAINER_CREDENTIALS_RELATIVE_URI or _FULL_URI). EC2 instance metadata is not read.
// Facts: /work/shared/reference/deploy.md §5.

#include <chrono>
#include <optional>
#include <string>
#include <string_view>

namespace deploy::aws {

class Config;

struct Credentials {
  std::string access_key_id;
  std::string secret_access_key;
  std::string session_token;  // empty for long-term keys
  // When temporary credentials stop working; none for long-term keys.
  std::optional<std::chrono::system_clock::time_point> expiration;
  // Where they came from, for messages: "environment variables", "credential_process of
  // profile dev in /home/me/.aws/config", ...
  std::string source;
};

// The first credentials the chain finds for `config`'s profile. Throws util::Error saying
// what was tried when none is found, or what failed (a credential_process that exits
// non-zero, STS refusing the token, a half-configured profile). STS is called in `region`
// (else the config's, else us-east-1).
Credentials resolve_credentials(const Config& config, const std::string& region = "");

// Runs `command` (split shell-style, no shell) and reads its JSON (Version 1, AccessKeyId,
// SecretAccessKey, optional SessionToken and Expiration).
Credentials run_credential_process(const std::string& command, const std::string& origin);

// Parses credential_process output; `origin` names the command in errors.
Credentials parse_credential_process_output(std::string_view json, const std::string& origin);

// STS AssumeRoleWithWebIdentity (unsigned) at `endpoint`: exchanges the
// token for temporary credentials.
Credentials assume_role_with_web_identity(const std::string& endpoint, const std::string& role_arn,
                                          const std::string& session_name, const std::string& token,
                                          const std::string& origin);

// GETs `url` (the container credentials endpoint) with `authorization` (may be empty) and
// reads its JSON: AccessKeyId, SecretAccessKey, Token, Expiration.
Credentials container_credentials(const std::string& url, const std::string& authorization,
                                  const std::string& origin);

// Reads ISO 8601 UTC times as AWS writes them: 2026-12-02T01:00:00Z, with optional
// fractional seconds and a `+HH:MM`/`-HH:MM` offset instead of Z. nullopt otherwise.
std::optional<std::chrono::system_clock::time_point> parse_iso8601(std::string_view text);

}  // namespace deploy::aws
