#pragma once

// `sbfn deploy --image REF --aws-stack NAME`: after the push, the CloudFormation stack of
// `--emit cloudformation`'s template is created or updated with the pushed image (by
// digest, so every deploy rolls the service), its events printed as they come, and its
// outputs (the load balancer's URL) printed at the end.

#include "deploy/aws/cloudformation.hpp"

#include <filesystem>
#include <map>
#include <string>
#include <vector>

namespace deploy {

struct StackDeploy {
  std::string name;                       // --aws-stack
  std::filesystem::path parameters_file;  // --parameters-file; empty: none
  int poll_interval_s = 5;                // --stack-poll-interval, as `aws cloudformation deploy`
  int max_polls = 720;
};

struct StackOutcome {
  std::string name;
  std::string image;   // the ImageUri given
  std::string status;  // CREATE_COMPLETE, UPDATE_COMPLETE (or the unchanged stack's)
  bool changed = true;
  std::map<std::string, std::string> outputs;
};

// Reads a parameters file in the AWS CLI's shape (`aws cloudformation create-stack
// --parameters file://F`): `[{"ParameterKey": "K", "ParameterValue": "V"}, ...]`, with
// `UsePreviousValue: true` allowed. Throws util::Error naming the file and the entry.
std::vector<aws::StackParameter> read_parameters_file(const std::filesystem::path& file);

// Creates or updates the stack, ImageUri = `image`; on an update, every other template
// parameter the file does not set keeps its deployed value. Events go to stderr. Throws
// util::Error with CloudFormation's reasons when the stack does not end complete.
StackOutcome deploy_stack(const StackDeploy& stack, const std::string& image,
                          const std::string& fallback_region);

}  // namespace deploy
