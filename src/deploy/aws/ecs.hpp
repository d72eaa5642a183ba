#pragma once

// Amazon ECS: roll a service onto a freshly pushed image (UpdateService with
// forceNewDeployment) and wait until it is stable, as `aws ecs wait services-stable` does but
// stricter (the new deployment must be the one running). Facts: deploy.md §7.

#include "deploy/aws/client.hpp"

#include <chrono>
#include <functional>
#include <string>

namespace deploy::aws {

// One look at the service while it rolls.
struct ServiceProgress {
  std::string status;  // ACTIVE, DRAINING, INACTIVE
  long desired = 0;
  long running = 0;
  long pending = 0;
  std::size_t deployments = 0;
  std::string rollout_state;  // of the PRIMARY deployment: IN_PROGRESS, COMPLETED, FAILED or ""
  std::string
      newest_event;  // the service's latest event message, e.g. "... has reached a steady state."
};

using ProgressCallback = std::function<void(const ServiceProgress&)>;

// One line for a terminal or a CI log: `api: 1/2 running, 1 pending, 2 deployments,
// IN_PROGRESS: (service api) has started 2 tasks: (task a).`
std::string format_service_progress(const std::string& service, const ServiceProgress& progress);

struct WaitOptions {
  std::chrono::seconds interval{15};  // as the ServicesStable waiter
  int max_attempts = 40;
  // How to wait; tests replace it to not wait.
  std::function<void(std::chrono::seconds)> sleep;
};

class Ecs {
 public:
  explicit Ecs(Client client) : m_client(std::move(client)) {}

  // UpdateService {cluster, service, forceNewDeployment: true}; returns the id of the new
  // PRIMARY deployment. Names the cluster and service when ECS does not know them.
  std::string force_new_deployment(const std::string& cluster, const std::string& service);

  // Polls DescribeServices until the service has one deployment, running == desired, the
  // PRIMARY deployment is `deployment_id` (when not empty: right after UpdateService, ECS may
  // still describe the old state, which looks stable) and its rolloutState, where
  // present, is COMPLETED. Reports each poll to `progress`. Throws util::Error when the
  // service is missing, draining or inactive, when the rollout FAILED (with ECS's reason and
  // newest event), or after max_attempts.
  void wait_until_stable(const std::string& cluster, const std::string& service,
                         const std::string& deployment_id, const WaitOptions& options,
                         const ProgressCallback& progress);

  Client& client() { return m_client; }

 private:
  Client m_client;
};

}  // namespace deploy::aws
