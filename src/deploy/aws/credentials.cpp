#include "deploy/aws/credentials.hpp"

#include "deploy/aws/config.hpp"
#include "deploy/aws/http.hpp"
#include "deploy/aws/run_process.hpp"
#include "deploy/aws/xml.hpp"
#include "util/error.hpp"
#include "util/files.hpp"

#include <nlohmann/json.hpp>

#include <cstdio>
#include <ctime>

namespace deploy::aws {
namespace {

std::string trim_end(std::string text) {
  while (!text.empty() && (text.back() == '\n' || text.back() == '\r' || text.back() == ' ')) {
    text.pop_back();
  }
  return text;
}

std::optional<Credentials> from_keys(const std::optional<std::string>& id,
                                     const std::optional<std::string>& secret,
                                     const std::optional<std::string>& token,
                                     const std::string& origin) {
  if (!id && !secret) {
    return std::nullopt;
  }
  if (!id || !secret) {
    throw util::Error(origin + " has " +
                      (id ? "an access key id but no secret access key"
                          : "a secret access key but no access key id") +
                      ": set both");
  }
  return Credentials{*id, *secret, token.value_or(""), std::nullopt, origin};
}

std::string session_name(const Config& config) {
  if (auto name = config.env()("AWS_ROLE_SESSION_NAME")) {
    return *name;
  }
  if (auto name = config.config_value("role_session_name")) {
    return *name;
  }
  return "sbfn-session-" + std::to_string(std::time(nullptr));
}

}  // namespace

std::optional<std::chrono::system_clock::time_point> parse_iso8601(std::string_view text) {
  int year = 0, month = 0, day = 0, hour = 0, minute = 0, second = 0, consumed = 0;
  std::string copy(text);
  if (std::sscanf(copy.c_str(), "%4d-%2d-%2dT%2d:%2d:%2d%n", &year, &month, &day, &hour, &minute,
                  &second, &consumed) != 6 ||
      consumed != 19) {
    return std::nullopt;
  }
  std::string_view rest = text.substr(19);
  if (!rest.empty() && rest.front() == '.') {
    rest.remove_prefix(1);
    while (!rest.empty() && rest.front() >= '0' && rest.front() <= '9') {
      rest.remove_prefix(1);
    }
  }
  long offset = 0;
  if (rest == "Z" || rest == "z") {
    offset = 0;
  } else if (rest.size() == 6 && (rest[0] == '+' || rest[0] == '-') && rest[3] == ':') {
    int oh = 0, om = 0;
    if (std::sscanf(std::string(rest.substr(1)).c_str(), "%2d:%2d", &oh, &om) != 2) {
      return std::nullopt;
    }
    offset = (rest[0] == '+' ? 1 : -1) * (oh * 3600L + om * 60L);
  } else {
    return std::nullopt;
  }
  std::tm utc{};
  utc.tm_year = year - 1900;
  utc.tm_mon = month - 1;
  utc.tm_mday = day;
  utc.tm_hour = hour;
  utc.tm_min = minute;
  utc.tm_sec = second;
  auto seconds = timegm(&utc) - offset;
  return std::chrono::system_clock::from_time_t(seconds);
}

Credentials parse_credential_process_output(std::string_view json, const std::string& origin) {
  nlohmann::json reply;
  try {
    reply = nlohmann::json::parse(json);
  } catch (const nlohmann::json::exception&) {
    throw util::Error(origin + " printed something that is not JSON: " +
                      trim_end(std::string(json.substr(0, 200))));
  }
  auto text = [&](const char* key) -> std::optional<std::string> {
    if (!reply.is_object() || !reply.contains(key)) {
      return std::nullopt;
    }
    if (!reply[key].is_string()) {
      throw util::Error(origin + " printed a " + key + " that is not a string");
    }
    return reply[key].get<std::string>();
  };
  if (!reply.is_object() || !reply.contains("Version") || reply["Version"] != 1) {
    throw util::Error(origin + " must print a JSON object with \"Version\": 1");
  }
  auto id = text("AccessKeyId");
  auto secret = text("SecretAccessKey");
  if (!id || !secret) {
    throw util::Error(origin + " printed no " + (id ? "SecretAccessKey" : "AccessKeyId"));
  }
  Credentials credentials{*id, *secret, text("SessionToken").value_or(""), std::nullopt, origin};
  if (auto expiration = text("Expiration")) {
    credentials.expiration = parse_iso8601(*expiration);
    if (!credentials.expiration) {
      throw util::Error(origin +
                        " printed an Expiration that is not an ISO 8601 time: " + *expiration);
    }
  }
  return credentials;
}

Credentials run_credential_process(const std::string& command, const std::string& origin) {
  auto result = run_process(split_command_line(command));
  if (result.exit_code != 0) {
    auto why = trim_end(result.err);
    throw util::Error(origin + " (" + command + ") failed with exit code " +
                      std::to_string(result.exit_code) + (why.empty() ? "" : ": " + why));
  }
  return parse_credential_process_output(result.out, origin);
}

Credentials assume_role_with_web_identity(const std::string& endpoint, const std::string& role_arn,
                                          const std::string& session_name, const std::string& token,
                                          const std::string& origin) {
  HttpExchange request;
  request.url = endpoint;
  if (!request.url.ends_with("/")) {
    request.url += "/";
  }
  request.headers = {{"Host", host_of(endpoint)},
                     {"Content-Type", "application/x-www-form-urlencoded; charset=utf-8"}};
  request.body = encode_query({{"Action", "AssumeRoleWithWebIdentity"},
                               {"Version", "2011-06-15"},
                               {"RoleArn", role_arn},
                               {"RoleSessionName", session_name},
                               {"WebIdentityToken", token}});
  auto reply = send(request);
  const std::string what = "STS AssumeRoleWithWebIdentity for " + role_arn + " (" + origin + ")";
  auto document = parse_xml(reply.body, "the reply of " + what);
  if (reply.status != 200) {
    auto code = document.text_at("Error/Code");
    auto message = document.text_at("Error/Message");
    throw util::Error(what +
                      " failed: " + (code.empty() ? "HTTP " + std::to_string(reply.status) : code) +
                      (message.empty() ? "" : ": " + message) +
                      (code == "ExpiredTokenException"
                           ? " (the web identity token expired: CI issues a fresh one per job)"
                           : ""));
  }
  const auto* credentials = document.at("AssumeRoleWithWebIdentityResult/Credentials");
  if (!credentials || credentials->text_at("AccessKeyId").empty() ||
      credentials->text_at("SecretAccessKey").empty()) {
    throw util::Error(what + " answered without credentials");
  }
  Credentials out{credentials->text_at("AccessKeyId"), credentials->text_at("SecretAccessKey"),
                  credentials->text_at("SessionToken"),
                  parse_iso8601(credentials->text_at("Expiration")), "web identity: " + origin};
  return out;
}

Credentials container_credentials(const std::string& url, const std::string& authorization,
                                  const std::string& origin) {
  HttpExchange request;
  request.method = "GET";
  request.url = url;
  if (!authorization.empty()) {
    request.headers.emplace_back("Authorization", authorization);
  }
  auto reply = send(request);
  if (reply.status != 200) {
    throw util::Error("the container credentials endpoint " + url + " (" + origin +
                      ") answered HTTP " + std::to_string(reply.status) + ": " +
                      trim_end(reply.body.substr(0, 200)));
  }
  auto body = nlohmann::json::parse(reply.body, nullptr, false);
  auto text = [&](const char* key) {
    return body.is_object() && body.contains(key) && body[key].is_string()
               ? body[key].get<std::string>()
               : std::string();
  };
  if (text("AccessKeyId").empty() || text("SecretAccessKey").empty()) {
    throw util::Error("the container credentials endpoint " + url + " (" + origin +
                      ") answered without AccessKeyId and SecretAccessKey");
  }
  return Credentials{text("AccessKeyId"), text("SecretAccessKey"), text("Token"),
                     parse_iso8601(text("Expiration")), "container credentials: " + origin};
}

Credentials resolve_credentials(const Config& config, const std::string& region) {
  const auto& env = config.env();
  if (auto found = from_keys(env("AWS_ACCESS_KEY_ID"), env("AWS_SECRET_ACCESS_KEY"),
                             env("AWS_SESSION_TOKEN"),
                             "environment variables AWS_ACCESS_KEY_ID "
                             "and AWS_SECRET_ACCESS_KEY")) {
    return *found;
  }
  if (config.config_value("role_arn") && !config.config_value("web_identity_token_file")) {
    throw util::Error(config.config_origin() +
                      " assumes a role (role_arn with source_profile or credential_source), "
                      "which sbfn does not do yet: export the role's credentials as "
                      "AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY/AWS_SESSION_TOKEN (`aws configure "
                      "export-credentials --format env`) or use credential_process");
  }

  // Web identity: the environment's pair first, then the profile's.
  std::optional<std::string> token_file = env("AWS_WEB_IDENTITY_TOKEN_FILE");
  std::optional<std::string> role_arn = env("AWS_ROLE_ARN");
  std::string origin = "AWS_WEB_IDENTITY_TOKEN_FILE and AWS_ROLE_ARN";
  if (!token_file || !role_arn) {
    token_file = config.config_value("web_identity_token_file");
    role_arn = config.config_value("role_arn");
    origin = config.config_origin();
  }
  if (token_file && role_arn) {
    auto token = util::try_read_file(*token_file);
    if (!token) {
      throw util::Error("cannot read the web identity token file " + *token_file + " (" + origin +
                        ")");
    }
    const auto sts_region = region.empty() ? config.region().value_or("us-east-1") : region;
    return assume_role_with_web_identity(config.endpoint("sts", sts_region), *role_arn,
                                         session_name(config), trim_end(*token), origin);
  }

  if (auto found =
          from_keys(config.credentials_value("aws_access_key_id"),
                    config.credentials_value("aws_secret_access_key"),
                    config.credentials_value("aws_session_token"), config.credentials_origin())) {
    return *found;
  }
  if (auto command = config.credentials_value("credential_process")) {
    return run_credential_process(*command, "credential_process of " + config.credentials_origin());
  }
  if (auto command = config.config_value("credential_process")) {
    return run_credential_process(*command, "credential_process of " + config.config_origin());
  }
  if (auto found = from_keys(config.config_value("aws_access_key_id"),
                             config.config_value("aws_secret_access_key"),
                             config.config_value("aws_session_token"), config.config_origin())) {
    return *found;
  }
  // ECS tasks and CodeBuild: a link-local endpoint (relative URI), or any URI with a token.
  if (auto relative = env("AWS_CONTAINER_CREDENTIALS_RELATIVE_URI")) {
    return container_credentials("http://169.254.170.2" + *relative, "",
                                 "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI");
  }
  if (auto full = env("AWS_CONTAINER_CREDENTIALS_FULL_URI")) {
    std::string token = env("AWS_CONTAINER_AUTHORIZATION_TOKEN").value_or("");
    if (auto file = env("AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE")) {
      auto text = util::try_read_file(*file);
      if (!text) {
        throw util::Error("cannot read AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE " + *file);
      }
      token = trim_end(*text);
    }
    // As the SDKs: the token goes only to https or to a host on this machine or the task's.
    auto host = host_of(*full);
    if (auto colon = host.rfind(':'); colon != std::string::npos && host.back() != ']') {
      host = host.substr(0, colon);
    }
    const bool allowed = full->starts_with("https://") || host.starts_with("127.") ||
                         host == "localhost" || host == "[::1]" || host == "169.254.170.2" ||
                         host == "169.254.170.23" || host == "[fd00:ec2::23]";
    if (!allowed) {
      throw util::Error(
          "AWS_CONTAINER_CREDENTIALS_FULL_URI must be https or a loopback or ECS "
          "address, not " +
          *full);
    }
    return container_credentials(*full, token, "AWS_CONTAINER_CREDENTIALS_FULL_URI");
  }
  if (config.config_value("sso_session") || config.config_value("sso_start_url")) {
    throw util::Error(config.config_origin() +
                      " signs in with AWS IAM Identity Center (SSO), which sbfn does not read "
                      "yet: export the credentials (`aws configure export-credentials --format "
                      "env`) or use credential_process");
  }
  throw util::Error(
      "no AWS credentials found: set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY (and "
      "AWS_SESSION_TOKEN for temporary ones), or AWS_WEB_IDENTITY_TOKEN_FILE with AWS_ROLE_ARN "
      "(as CI systems do), or give " +
      config.credentials_origin() + " aws_access_key_id/aws_secret_access_key or " +
      config.config_origin() + " a credential_process");
}

}  // namespace deploy::aws
