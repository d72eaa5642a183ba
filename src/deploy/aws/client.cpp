#include "deploy/aws/client.hpp"

#include "deploy/aws/http.hpp"

#include <thread>

namespace deploy::aws {
namespace {

// botocore's rule: keep what follows `#` and precedes `:` (`ns#Code`, `Code:extra`).
std::string bare_code(std::string code) {
  if (auto hash = code.rfind('#'); hash != std::string::npos) {
    code = code.substr(hash + 1);
  }
  if (auto colon = code.find(':'); colon != std::string::npos) {
    code = code.substr(0, colon);
  }
  return code;
}

bool is_retryable(long status, const std::string& code) {
  return status >= 500 || code == "ThrottlingException" || code == "Throttling" ||
         code == "TooManyRequestsException" || code == "RequestLimitExceeded";
}

constexpr int k_attempts = 4;

}  // namespace

std::string explain_error(const std::string& code, const std::string& message,
                          const std::string& operation, const Credentials& credentials) {
  const std::string said = message.empty() ? "" : " (AWS said: " + message + ")";
  if (code == "ExpiredTokenException" || code == "ExpiredToken" || code == "RequestExpired" ||
      code == "TokenRefreshRequired") {
    return "AWS credentials expired: refresh them (they came from " + credentials.source +
           ") and run again" + said;
  }
  if (code == "UnrecognizedClientException" || code == "InvalidClientTokenId") {
    return "AWS does not know the access key " + credentials.access_key_id + " (from " +
           credentials.source + "): check the key, and its session token if it has one" + said;
  }
  if (code == "InvalidSignatureException" || code == "SignatureDoesNotMatch" ||
      code == "IncompleteSignature") {
    return "AWS refused the request's signature: check the secret access key (from " +
           credentials.source + ") and that this machine's clock is right" + said;
  }
  if (code == "AccessDeniedException" || code == "AccessDenied") {
    return "AWS denied " + operation + " to the access key " + credentials.access_key_id +
           ": its IAM policy must allow " + operation + said;
  }
  return operation + " failed: " + code + (message.empty() ? "" : ": " + message);
}

Client::Client(Endpoint endpoint, std::string target_prefix)
    : sleep([](std::chrono::milliseconds delay) { std::this_thread::sleep_for(delay); }),
      m_endpoint(std::move(endpoint)),
      m_target_prefix(std::move(target_prefix)) {}

Client::Reply Client::post(const std::string& operation, const std::string& content_type,
                           const std::string& body, const std::string& target) {
  const auto& credentials = m_endpoint.credentials;
  if (credentials.expiration && *credentials.expiration <= std::chrono::system_clock::now()) {
    throw ServiceError(explain_error("ExpiredToken", "", operation, credentials), "ExpiredToken",
                       "", 0);
  }
  HttpExchange request;
  request.url = m_endpoint.url;
  if (!request.url.ends_with("/")) {
    request.url += "/";
  }
  SignableRequest signable;
  signable.method = "POST";
  signable.path = "/";
  signable.headers = {{"Host", host_of(m_endpoint.url)}, {"Content-Type", content_type}};
  if (!target.empty()) {
    signable.headers.emplace_back("X-Amz-Target", target);
  }
  signable.body = body;
  sign(signable, credentials, m_endpoint.scope, std::chrono::system_clock::now());
  request.headers = std::move(signable.headers);
  request.body = body;
  auto reply = send(request);
  auto id = reply.headers.find("x-amzn-requestid");
  return Reply{reply.status, std::move(reply.body),
               id == reply.headers.end() ? std::string() : id->second};
}

nlohmann::json Client::call_json(const std::string& operation, const nlohmann::json& input) {
  const std::string name = m_endpoint.scope.service + ":" + operation;
  for (int attempt = 1;; ++attempt) {
    auto reply =
        post(name, "application/x-amz-json-1.1", input.dump(), m_target_prefix + "." + operation);
    nlohmann::json body = nlohmann::json::parse(reply.body, nullptr, false);
    if (reply.status >= 200 && reply.status < 300) {
      if (body.is_discarded()) {
        throw util::Error(
            name + " answered with something that is not JSON: " + reply.body.substr(0, 200));
      }
      return body;
    }
    std::string code;
    std::string message;
    if (body.is_object()) {
      if (body.contains("__type") && body["__type"].is_string()) {
        code = bare_code(body["__type"].get<std::string>());
      }
      for (const char* key : {"message", "Message"}) {
        if (body.contains(key) && body[key].is_string()) {
          message = body[key].get<std::string>();
        }
      }
    }
    if (code.empty()) {
      code = "HTTP " + std::to_string(reply.status);
      if (message.empty()) {
        message = reply.body.substr(0, 200);
      }
    }
    if (attempt < k_attempts && is_retryable(reply.status, code)) {
      sleep(std::chrono::milliseconds(500 << attempt));
      continue;
    }
    throw ServiceError(explain_error(code, message, name, m_endpoint.credentials), code, message,
                       reply.status);
  }
}

XmlElement Client::call_query(const std::string& operation, const std::string& version,
                              const QueryParams& params) {
  const std::string name = m_endpoint.scope.service + ":" + operation;
  QueryParams all = {{"Action", operation}, {"Version", version}};
  all.insert(all.end(), params.begin(), params.end());
  const auto body = encode_query(all);
  for (int attempt = 1;; ++attempt) {
    auto reply = post(name, "application/x-www-form-urlencoded; charset=utf-8", body, "");
    if (reply.status >= 200 && reply.status < 300) {
      return parse_xml(reply.body, "the reply of " + name);
    }
    // An error from something in front of AWS (a proxy's HTML page) is no XML: keep the status.
    std::string code;
    std::string message;
    try {
      auto document = parse_xml(reply.body, "the reply of " + name);
      code = document.text_at("Error/Code");
      message = document.text_at("Error/Message");
    } catch (const util::Error&) {
      message = reply.body.substr(0, 200);
    }
    if (code.empty()) {
      code = "HTTP " + std::to_string(reply.status);
    }
    if (attempt < k_attempts && is_retryable(reply.status, code)) {
      sleep(std::chrono::milliseconds(500 << attempt));
      continue;
    }
    throw ServiceError(explain_error(code, message, name, m_endpoint.credentials), code, message,
                       reply.status);
  }
}

}  // namespace deploy::aws
