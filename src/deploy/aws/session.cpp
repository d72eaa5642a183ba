#include "deploy/aws/session.hpp"

namespace deploy::aws {

Session Session::load(const EnvLookup& env, const std::string& fallback_region) {
  Session session;
  session.m_config = Config::load(env);
  auto region = session.m_config.region();
  if (!region && fallback_region.empty()) {
    throw util::Error("no AWS region: set AWS_REGION (or AWS_DEFAULT_REGION), or `region` in " +
                      session.m_config.config_origin());
  }
  session.m_region = region ? *region : fallback_region;
  session.m_credentials = resolve_credentials(session.m_config, session.m_region);
  return session;
}

Endpoint Session::endpoint(const std::string& service) const {
  return Endpoint{m_config.endpoint(service, m_region), Scope{m_region, service}, m_credentials};
}

Ecr Session::ecr() const {
  return Ecr(Client(endpoint("ecr"), "AmazonEC2ContainerRegistry_V20150921"));
}

Ecs Session::ecs() const {
  return Ecs(Client(endpoint("ecs"), "AmazonEC2ContainerServiceV20141113"));
}

CloudFormation Session::cloudformation() const {
  return CloudFormation(Client(endpoint("cloudformation"), ""));
}

}  // namespace deploy::aws
