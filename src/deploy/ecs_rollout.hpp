#pragma once

// `sbfn deploy --image REF --ecs-cluster C --ecs-service S`: after the push, the ECS service
// rolls onto the image again (UpdateService with forceNewDeployment: its task definition
// names REF's tag, which now points at the new image), and the command waits until the new
// deployment is the one running, printing one line per look.

#include <string>

namespace deploy {

struct EcsRollout {
  std::string cluster = "default";  // --ecs-cluster (ECS's own default)
  std::string service;              // --ecs-service
  int poll_interval_s = 15;         // --ecs-poll-interval, as `aws ecs wait services-stable`
  int max_polls = 40;
};

// Throws util::Error with ECS's reason (a missing service, a failed rollout, no steady
// state after max_polls). `fallback_region`: the ECR host's, when the image went there.
void roll_ecs_service(const EcsRollout& rollout, const std::string& fallback_region);

}  // namespace deploy
