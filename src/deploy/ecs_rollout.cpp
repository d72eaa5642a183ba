#include "deploy/ecs_rollout.hpp"

#include "deploy/aws/session.hpp"

#include <chrono>
#include <cstdio>

namespace deploy {

void roll_ecs_service(const EcsRollout& rollout, const std::string& fallback_region) {
  auto session = aws::Session::load(aws::process_env(), fallback_region);
  auto ecs = session.ecs();
  std::fprintf(stderr, "Rolling the ECS service %s (cluster %s, %s)\n", rollout.service.c_str(),
               rollout.cluster.c_str(), session.region().c_str());
  auto deployment = ecs.force_new_deployment(rollout.cluster, rollout.service);
  aws::WaitOptions wait;
  wait.interval = std::chrono::seconds(rollout.poll_interval_s);
  wait.max_attempts = rollout.max_polls;
  ecs.wait_until_stable(rollout.cluster, rollout.service, deployment, wait,
                        [&](const aws::ServiceProgress& progress) {
                          std::fprintf(
                              stderr, "  %s\n",
                              aws::format_service_progress(rollout.service, progress).c_str());
                          std::fflush(stderr);
                        });
  std::printf("ECS service %s is stable on deployment %s\n", rollout.service.c_str(),
              deployment.c_str());
}

}  // namespace deploy
