#include "deploy/aws_stack.hpp"

#include "deploy/aws/session.hpp"
#include "deploy/emit/emit.hpp"
#include "util/error.hpp"
#include "util/files.hpp"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <cstdio>

namespace deploy {

std::vector<aws::StackParameter> read_parameters_file(const std::filesystem::path& file) {
  const auto where = file.string();
  auto doc = nlohmann::json::parse(util::read_file(file), nullptr, false);
  if (doc.is_discarded() || !doc.is_array()) {
    throw util::Error(where +
                      " is not a CloudFormation parameters file: expected a JSON array of "
                      "{\"ParameterKey\": ..., \"ParameterValue\": ...} (the AWS CLI's shape)");
  }
  std::vector<aws::StackParameter> out;
  for (std::size_t i = 0; i < doc.size(); ++i) {
    const auto& entry = doc[i];
    const auto at = where + ": entry " + std::to_string(i + 1);
    if (!entry.is_object() || !entry.contains("ParameterKey") ||
        !entry["ParameterKey"].is_string() || entry["ParameterKey"].get<std::string>().empty()) {
      throw util::Error(at + " has no \"ParameterKey\" string");
    }
    aws::StackParameter parameter;
    parameter.key = entry["ParameterKey"].get<std::string>();
    parameter.use_previous = entry.value("UsePreviousValue", false);
    if (auto value = entry.find("ParameterValue"); value != entry.end()) {
      if (!value->is_string()) {
        // The AWS CLI refuses numbers too: CloudFormation parameters are strings.
        throw util::Error(at + " (" + parameter.key + "): \"ParameterValue\" must be a string");
      }
      parameter.value = value->get<std::string>();
    } else if (!parameter.use_previous) {
      throw util::Error(at + " (" + parameter.key +
                        ") has neither \"ParameterValue\" nor \"UsePreviousValue\": true");
    }
    out.push_back(std::move(parameter));
  }
  return out;
}

StackOutcome deploy_stack(const StackDeploy& stack, const std::string& image,
                          const std::string& fallback_region) {
  auto session = aws::Session::load(aws::process_env(), fallback_region);
  auto cloudformation = session.cloudformation();
  const auto template_json = emit::cloudformation_template({});

  aws::StackRequest request;
  request.name = stack.name;
  request.template_body = template_json.dump();
  request.capabilities = {emit::k_cloudformation_capability};
  if (!stack.parameters_file.empty()) {
    for (auto& parameter : read_parameters_file(stack.parameters_file)) {
      if (parameter.key == emit::k_image_parameter) {
        std::fprintf(stderr, "note: %s from %s is replaced by the pushed image\n",
                     emit::k_image_parameter, stack.parameters_file.c_str());
        continue;
      }
      request.parameters.push_back(std::move(parameter));
    }
  }
  request.parameters.push_back({emit::k_image_parameter, image, false});
  // As `aws cloudformation deploy`: on an update, what is not given keeps its value (the
  // NoEcho keys above all, which nobody wants to pass on every deploy).
  if (auto existing = cloudformation.describe(stack.name);
      existing && existing->status != "REVIEW_IN_PROGRESS") {
    for (const auto& [key, value] : existing->parameters) {
      bool given = std::any_of(request.parameters.begin(), request.parameters.end(),
                               [&](const aws::StackParameter& p) { return p.key == key; });
      if (!given && template_json["Parameters"].contains(key)) {
        request.parameters.push_back({key, "", true});
      }
    }
  }

  std::fprintf(stderr, "Deploying the CloudFormation stack %s (%s) with %s=%s\n",
               stack.name.c_str(), session.region().c_str(), emit::k_image_parameter,
               image.c_str());
  aws::StackWaitOptions wait;
  wait.interval = std::chrono::seconds(stack.poll_interval_s);
  wait.max_attempts = stack.max_polls;
  auto result = cloudformation.deploy(request, wait, [](const aws::StackEvent& event) {
    std::fprintf(stderr, "  %s\n", aws::format_stack_event(event).c_str());
    std::fflush(stderr);
  });
  if (!result.changed) {
    std::fprintf(stderr, "No changes to deploy. Stack %s is up to date\n", stack.name.c_str());
  }
  return {stack.name, image, result.status, result.changed, result.outputs};
}

}  // namespace deploy
