#pragma once

// Amazon ECR: the registry password for the OCI push, and the repository it goes to.
// Facts: /work/shared/reference/deploy.md §6.

#include "deploy/aws/client.hpp"

#include <chrono>
#include <optional>
#include <string>

namespace deploy::aws {

// What the registry client logs in with: Basic credentials, valid for 12 hours.
struct RegistryLogin {
  std::string username;  // "AWS"
  std::string password;
  std::string
      registry;  // the host of proxyEndpoint, e.g. 123456789012.dkr.ecr.eu-west-1.amazonaws.com
  std::chrono::system_clock::time_point expires_at;
};

// An ECR registry host taken apart: `<account>.dkr.ecr[-fips].<region>.amazonaws.com[.cn]`.
struct EcrRegistry {
  std::string account;
  std::string region;
};

// nullopt for any host that is not an ECR registry (the image goes to another registry).
std::optional<EcrRegistry> parse_ecr_registry(const std::string& host);

class Ecr {
 public:
  explicit Ecr(Client client) : m_client(std::move(client)) {}

  // GetAuthorizationToken, decoded into user and password.
  RegistryLogin login();

  // CreateRepository; true when it was created, false when it already existed.
  bool create_repository(const std::string& name);

  // DescribeRepositories for `name`; throws util::Error saying to create it (or to pass
  // --create-repository) when ECR answers RepositoryNotFoundException.
  void require_repository(const std::string& name);

  Client& client() { return m_client; }

 private:
  Client m_client;
};

}  // namespace deploy::aws
