#pragma once

// The folder's entry point for `sbfn deploy`: config, region and credentials resolved once,
// and the service clients made from them.
//
//   auto aws = deploy::aws::Session::load(deploy::aws::process_env(), ecr_host_region);
//   auto login = aws.ecr().login();          // Basic credentials for the registry push
//   aws.ecs().force_new_deployment(...);      // then wait_until_stable(...)
//   aws.cloudformation().deploy(...);         // streamed events, outputs

#include "deploy/aws/client.hpp"
#include "deploy/aws/cloudformation.hpp"
#include "deploy/aws/config.hpp"
#include "deploy/aws/credentials.hpp"
#include "deploy/aws/ecr.hpp"
#include "deploy/aws/ecs.hpp"

#include <string>

namespace deploy::aws {

class Session {
 public:
  // Reads the shared config for AWS_PROFILE, the region (AWS_REGION, AWS_DEFAULT_REGION,
  // the profile; else `fallback_region`, e.g. the region of an ECR registry host) and the
  // credentials (the standard chain, run once). Throws util::Error naming what to set when
  // there is no region or no credentials.
  static Session load(const EnvLookup& env = process_env(),
                      const std::string& fallback_region = "");

  const Config& config() const { return m_config; }
  const std::string& region() const { return m_region; }
  const Credentials& credentials() const { return m_credentials; }

  // Where `service` (signing name) is called: AWS's host or the configured override.
  Endpoint endpoint(const std::string& service) const;

  Ecr ecr() const;
  Ecs ecs() const;
  CloudFormation cloudformation() const;

 private:
  Config m_config;
  std::string m_region;
  Credentials m_credentials;
};

}  // namespace deploy::aws
