#include "deploy/aws/cloudformation.hpp"

#include <algorithm>
#include <thread>

namespace deploy::aws {
namespace {

constexpr const char* k_version = "2010-05-15";

bool ends_with_any(const std::string& status, std::initializer_list<const char*> endings) {
  return std::any_of(endings.begin(), endings.end(),
                     [&](const char* ending) { return status.ends_with(ending); });
}

QueryParams stack_params(const StackRequest& request, bool update) {
  QueryParams params = {{"StackName", request.name}, {"TemplateBody", request.template_body}};
  int n = 0;
  for (const auto& parameter : request.parameters) {
    const auto prefix = "Parameters.member." + std::to_string(++n) + ".";
    params.emplace_back(prefix + "ParameterKey", parameter.key);
    if (update && parameter.use_previous) {
      params.emplace_back(prefix + "UsePreviousValue", "true");
    } else {
      params.emplace_back(prefix + "ParameterValue", parameter.value);
    }
  }
  n = 0;
  for (const auto& capability : request.capabilities) {
    params.emplace_back("Capabilities.member." + std::to_string(++n), capability);
  }
  n = 0;
  for (const auto& [key, value] : request.tags) {
    const auto prefix = "Tags.member." + std::to_string(++n) + ".";
    params.emplace_back(prefix + "Key", key);
    params.emplace_back(prefix + "Value", value);
  }
  return params;
}

}  // namespace

std::string format_stack_event(const StackEvent& event) {
  auto pad = [](const std::string& text, std::size_t width) {
    return text.size() >= width ? text + " " : text + std::string(width - text.size(), ' ');
  };
  return pad(event.status, 46) + pad(event.resource_type, 44) + pad(event.logical_id, 28) +
         (event.reason.empty() ? "-" : event.reason);
}

std::optional<CloudFormation::Description> CloudFormation::describe(const std::string& name) {
  XmlElement reply;
  try {
    reply = m_client.call_query("DescribeStacks", k_version, {{"StackName", name}});
  } catch (const ServiceError& error) {
    // The only way CloudFormation says "no such stack" (aws-cli matches this text too).
    if (error.code == "ValidationError" &&
        error.aws_message.find("does not exist") != std::string::npos) {
      return std::nullopt;
    }
    throw;
  }
  const auto* stacks = reply.at("DescribeStacksResult/Stacks");
  if (!stacks || stacks->all("member").empty()) {
    return std::nullopt;
  }
  const auto& stack = *stacks->all("member").front();
  Description out{stack.text_at("StackStatus"), stack.text_at("StackStatusReason"), {}, {}};
  if (const auto* outputs = stack.child("Outputs")) {
    for (const auto* output : outputs->all("member")) {
      out.outputs[output->text_at("OutputKey")] = output->text_at("OutputValue");
    }
  }
  if (const auto* parameters = stack.child("Parameters")) {
    for (const auto* parameter : parameters->all("member")) {
      out.parameters[parameter->text_at("ParameterKey")] = parameter->text_at("ParameterValue");
    }
  }
  return out;
}

std::vector<StackEvent> CloudFormation::events_since(const std::string& name,
                                                     const std::string& since_id) {
  std::vector<StackEvent> events;
  std::string next_token;
  do {
    QueryParams params = {{"StackName", name}};
    if (!next_token.empty()) {
      params.emplace_back("NextToken", next_token);
    }
    auto reply = m_client.call_query("DescribeStackEvents", k_version, params);
    const auto* result = reply.child("DescribeStackEventsResult");
    if (!result) {
      break;
    }
    if (const auto* list = result->child("StackEvents")) {
      for (const auto* member : list->all("member")) {
        StackEvent event{
            member->text_at("EventId"),           member->text_at("Timestamp"),
            member->text_at("LogicalResourceId"), member->text_at("ResourceType"),
            member->text_at("ResourceStatus"),    member->text_at("ResourceStatusReason")};
        if (!since_id.empty() && event.id == since_id) {
          return events;  // newest first: everything from here on was seen already
        }
        events.push_back(std::move(event));
      }
    }
    next_token = result->text_at("NextToken");
  } while (!next_token.empty());
  return events;
}

StackResult CloudFormation::deploy(const StackRequest& request, const StackWaitOptions& options,
                                   const std::function<void(const StackEvent&)>& on_event) {
  auto existing = describe(request.name);
  std::string last_seen;
  bool create = !existing;
  if (existing) {
    const auto& status = existing->status;
    if (status == "ROLLBACK_COMPLETE" || status == "ROLLBACK_FAILED") {
      throw util::Error("the CloudFormation stack " + request.name + " is in " + status +
                        " after a failed creation and cannot be updated: delete it (`aws "
                        "cloudformation delete-stack --stack-name " +
                        request.name + "`) and deploy again");
    }
    if (status.ends_with("_IN_PROGRESS")) {
      throw util::Error("the CloudFormation stack " + request.name + " is busy (" + status +
                        "): wait until it finishes, then deploy again");
    }
    if (status == "REVIEW_IN_PROGRESS" || status == "DELETE_COMPLETE") {
      create = true;
    }
    auto seen = events_since(request.name, "");
    if (!seen.empty()) {
      last_seen = seen.front().id;
    }
  }

  if (create) {
    m_client.call_query("CreateStack", k_version, stack_params(request, false));
  } else {
    try {
      m_client.call_query("UpdateStack", k_version, stack_params(request, true));
    } catch (const ServiceError& error) {
      if (error.code == "ValidationError" &&
          error.aws_message.find("No updates are to be performed") != std::string::npos) {
        return StackResult{existing->status, false, existing->outputs};
      }
      throw;
    }
  }

  auto sleep = options.sleep ? options.sleep : [](std::chrono::seconds delay) {
    std::this_thread::sleep_for(delay);
  };
  std::vector<StackEvent> failures;
  for (int attempt = 1;; ++attempt) {
    // The status first, then the events: those read after a status include every event
    // that led to it, so the last ones are printed before returning.
    auto now = describe(request.name);
    if (!now) {
      throw util::Error("the CloudFormation stack " + request.name +
                        " disappeared while it was being deployed");
    }
    auto fresh = events_since(request.name, last_seen);
    if (!fresh.empty()) {
      last_seen = fresh.front().id;
    }
    for (auto it = fresh.rbegin(); it != fresh.rend(); ++it) {
      if (it->status.ends_with("_FAILED") && !it->reason.empty()) {
        failures.push_back(*it);
      }
      if (on_event) {
        on_event(*it);
      }
    }
    const auto& status = now->status;
    const std::string wanted = create ? "CREATE_COMPLETE" : "UPDATE_COMPLETE";
    if (status == wanted) {
      return StackResult{status, true, now->outputs};
    }
    // Terminal but not what was asked for: a rollback, a failure, a deletion.
    if (!status.ends_with("_IN_PROGRESS") && ends_with_any(status, {"_COMPLETE", "_FAILED"})) {
      std::string why;
      for (const auto& failure : failures) {
        // The stack's own line repeats the resources' reasons; name each resource once.
        if (failure.resource_type == "AWS::CloudFormation::Stack") {
          continue;
        }
        why += (why.empty() ? "" : "; ") + failure.logical_id + " (" + failure.resource_type +
               "): " + failure.reason;
      }
      if (why.empty()) {
        why = now->reason.empty() ? "no reason given" : now->reason;
      }
      throw util::Error("the CloudFormation stack " + request.name + " ended in " + status +
                        " instead of " + wanted + ": " + why +
                        (status == "ROLLBACK_COMPLETE"
                             ? " (the failed stack must be deleted before it can be created "
                               "again)"
                             : ""));
    }
    if (attempt >= options.max_attempts) {
      throw util::Error("the CloudFormation stack " + request.name + " is still " + status +
                        " after " + std::to_string(attempt) +
                        " checks: see its events in the "
                        "AWS console");
    }
    sleep(options.interval);
  }
}

}  // namespace deploy::aws
