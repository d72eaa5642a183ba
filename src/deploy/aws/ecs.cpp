#include "deploy/aws/ecs.hpp"

#include <thread>

namespace deploy::aws {
namespace {

std::string text(const nlohmann::json& object, const char* key) {
  auto it = object.find(key);
  return it != object.end() && it->is_string() ? it->get<std::string>() : std::string();
}

long number(const nlohmann::json& object, const char* key) {
  auto it = object.find(key);
  return it != object.end() && it->is_number() ? it->get<long>() : 0;
}

// ECS's own errors for a wrong name say only "Service not found."; add which one.
[[noreturn]] void rethrow_naming(const ServiceError& error, const std::string& cluster,
                                 const std::string& service) {
  if (error.code == "ServiceNotFoundException" || error.code == "ServiceNotActiveException") {
    throw util::Error("ECS has no active service " + service + " in cluster " + cluster +
                      ": check --ecs-cluster and --ecs-service (" + error.aws_message + ")");
  }
  if (error.code == "ClusterNotFoundException") {
    throw util::Error("ECS has no cluster " + cluster + ": check --ecs-cluster (" +
                      error.aws_message + ")");
  }
  throw error;
}

}  // namespace

std::string format_service_progress(const std::string& service, const ServiceProgress& progress) {
  std::string line = service + ": " + std::to_string(progress.running) + "/" +
                     std::to_string(progress.desired) + " running, " +
                     std::to_string(progress.pending) + " pending, " +
                     std::to_string(progress.deployments) +
                     (progress.deployments == 1 ? " deployment" : " deployments");
  if (!progress.rollout_state.empty()) {
    line += ", " + progress.rollout_state;
  }
  if (!progress.newest_event.empty()) {
    line += ": " + progress.newest_event;
  }
  return line;
}

std::string Ecs::force_new_deployment(const std::string& cluster, const std::string& service) {
  nlohmann::json reply;
  try {
    reply = m_client.call_json(
        "UpdateService",
        {{"cluster", cluster}, {"service", service}, {"forceNewDeployment", true}});
  } catch (const ServiceError& error) {
    rethrow_naming(error, cluster, service);
  }
  const auto service_json = reply.value("service", nlohmann::json::object());
  for (const auto& deployment : service_json.value("deployments", nlohmann::json::array())) {
    if (text(deployment, "status") == "PRIMARY") {
      return text(deployment, "id");
    }
  }
  return "";
}

void Ecs::wait_until_stable(const std::string& cluster, const std::string& service,
                            const std::string& deployment_id, const WaitOptions& options,
                            const ProgressCallback& progress) {
  auto sleep = options.sleep ? options.sleep : [](std::chrono::seconds delay) {
    std::this_thread::sleep_for(delay);
  };
  for (int attempt = 1;; ++attempt) {
    nlohmann::json reply;
    try {
      reply =
          m_client.call_json("DescribeServices", {{"cluster", cluster}, {"services", {service}}});
    } catch (const ServiceError& error) {
      rethrow_naming(error, cluster, service);
    }
    for (const auto& failure : reply.value("failures", nlohmann::json::array())) {
      throw util::Error("ECS cannot describe service " + service + " in cluster " + cluster + ": " +
                        text(failure, "reason") +
                        (text(failure, "reason") == "MISSING"
                             ? " (no such service: check --ecs-cluster and --ecs-service)"
                             : " " + text(failure, "detail")));
    }
    const auto services = reply.value("services", nlohmann::json::array());
    if (services.empty()) {
      throw util::Error("ECS described no service " + service + " in cluster " + cluster);
    }
    const auto& found = services[0];
    ServiceProgress now;
    now.status = text(found, "status");
    now.desired = number(found, "desiredCount");
    now.running = number(found, "runningCount");
    now.pending = number(found, "pendingCount");
    const auto deployments = found.value("deployments", nlohmann::json::array());
    now.deployments = deployments.size();
    std::string primary_id;
    std::string reason;
    for (const auto& deployment : deployments) {
      if (text(deployment, "status") == "PRIMARY") {
        now.rollout_state = text(deployment, "rolloutState");
        primary_id = text(deployment, "id");
        reason = text(deployment, "rolloutStateReason");
      }
    }
    const auto events = found.value("events", nlohmann::json::array());
    if (!events.empty()) {
      now.newest_event = text(events[0], "message");  // ECS lists the newest first
    }
    if (progress) {
      progress(now);
    }

    if (now.status == "DRAINING" || now.status == "INACTIVE") {
      throw util::Error("ECS service " + service + " is " + now.status +
                        ": it is being deleted and will not become stable");
    }
    if (now.rollout_state == "FAILED") {
      throw util::Error(
          "the ECS deployment of " + service + " failed" + (reason.empty() ? "" : ": " + reason) +
          (now.newest_event.empty() ? "" : " (latest event: " + now.newest_event + ")"));
    }
    const bool stable = now.deployments == 1 && now.running == now.desired &&
                        (deployment_id.empty() || primary_id == deployment_id) &&
                        (now.rollout_state.empty() || now.rollout_state == "COMPLETED");
    if (stable) {
      return;
    }
    if (attempt >= options.max_attempts) {
      throw util::Error(
          "ECS service " + service + " did not become stable after " + std::to_string(attempt) +
          " checks (" + std::to_string(now.running) + " of " + std::to_string(now.desired) +
          " tasks running, " + std::to_string(now.deployments) + " deployments" +
          (now.newest_event.empty() ? "" : "; latest event: " + now.newest_event) + ")");
    }
    sleep(options.interval);
  }
}

}  // namespace deploy::aws
