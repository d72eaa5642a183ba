#include "deploy/aws/ecr.hpp"

#include "deploy/aws/http.hpp"
#include "util/base64.hpp"

#include <regex>

namespace deploy::aws {

std::optional<EcrRegistry> parse_ecr_registry(const std::string& host) {
  // The pattern of amazon-ecr-credential-helper (ecr-login/api/client.go), port allowed.
  static const std::regex k_pattern(
      R"(^([0-9]{12})\.dkr\.ecr(?:-fips)?\.([a-z0-9-]+)\.amazonaws\.com(?:\.cn)?(?::[0-9]+)?$)");
  std::smatch match;
  if (!std::regex_match(host, match, k_pattern)) {
    return std::nullopt;
  }
  return EcrRegistry{match[1], match[2]};
}

RegistryLogin Ecr::login() {
  auto reply = m_client.call_json("GetAuthorizationToken", nlohmann::json::object());
  const auto& data = reply.value("authorizationData", nlohmann::json::array());
  if (!data.is_array() || data.empty() || !data[0].is_object() ||
      !data[0].value("authorizationToken", nlohmann::json()).is_string()) {
    throw util::Error("ECR GetAuthorizationToken answered without an authorizationToken");
  }
  auto token = util::base64_decode(data[0]["authorizationToken"].get<std::string>());
  auto colon = token ? token->find(':') : std::string::npos;
  if (colon == std::string::npos) {
    throw util::Error("ECR's authorization token is not base64 of `user:password`");
  }
  RegistryLogin login;
  login.username = token->substr(0, colon);
  login.password = token->substr(colon + 1);
  if (auto endpoint = data[0].value("proxyEndpoint", std::string()); !endpoint.empty()) {
    login.registry = host_of(endpoint);
  }
  // Timestamps in JSON 1.1 are epoch seconds, possibly with a fraction.
  auto expires = data[0].value("expiresAt", nlohmann::json());
  login.expires_at = expires.is_number()
                         ? std::chrono::system_clock::time_point(
                               std::chrono::seconds(static_cast<long long>(expires.get<double>())))
                         : std::chrono::system_clock::now() + std::chrono::hours(12);
  return login;
}

bool Ecr::create_repository(const std::string& name) {
  try {
    m_client.call_json("CreateRepository", {{"repositoryName", name}});
    return true;
  } catch (const ServiceError& error) {
    if (error.code == "RepositoryAlreadyExistsException") {
      return false;
    }
    throw;
  }
}

void Ecr::require_repository(const std::string& name) {
  try {
    m_client.call_json("DescribeRepositories", {{"repositoryNames", {name}}});
  } catch (const ServiceError& error) {
    if (error.code == "RepositoryNotFoundException") {
      throw util::Error("the ECR repository " + name + " does not exist (region " +
                        m_client.endpoint().scope.region +
                        "): create it, or pass --create-repository and sbfn creates it");
    }
    throw;
  }
}

}  // namespace deploy::aws
