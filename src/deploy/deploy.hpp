#pragma once

// `sbfn deploy`: the named functions bundled and shipped to a target: an OCI image layout
// on disk (`--oci-layout DIR[:TAG]`), a registry (`--image REF`) or a remote `sbfn serve`
// (`--to URL`).
//
//   deploy.hpp       this request and the command (deploy.cpp)
//   image.hpp        the image: runtime and functions layers, config, manifest
//   layer.hpp        deterministic tar+gzip layers
//   elf.hpp          the ELF dependency walk that picks the runtime layer's libraries
//   oci_layout.hpp   the image layout on disk (the hand-off to the registry push)
//   push_image.hpp   --image: ECR login, then the push (registry/, aws/)
//   ecs_rollout.hpp  --ecs-service: the service rolled onto the pushed image
//   remote/          --to: the remote sbfn serve's admin API client, and `sbfn secrets`
//   aws_stack.hpp    --aws-stack: the CloudFormation stack deployed with the pushed image
//   emit_infrastructure.hpp  --emit: CloudFormation or Kubernetes for an image (emit/)

#include "bundler/bundle_functions.hpp"
#include "deploy/aws_stack.hpp"
#include "deploy/ecs_rollout.hpp"

#include <optional>
#include <string>
#include <vector>

namespace deploy {

// `--to URL`: what is asked of the remote sbfn serve.
enum class RemoteAction { deploy, list, rollback, remove };

struct DeployRequest {
  // Which functions and how: names (empty: all), --functions-dir, --no-verify-jwt.
  bundler::BundleRequest bundle;
  std::string oci_layout;                // --oci-layout DIR[:TAG]
  std::string image;                     // --image REF: a registry (push_image.hpp)
  std::string base_image;                // --base-image REF: stack the layers on it
  bool insecure_registry = false;        // --insecure-registry
  bool create_repository = false;        // --create-repository (ECR)
  std::optional<EcsRollout> ecs;         // --ecs-service: roll it after the push
  std::optional<StackDeploy> stack;      // --aws-stack: deploy it after the push
  std::string platform = "linux/amd64";  // --platform; the only one built
  bool dry_run = false;                  // print what would be built; write nothing
  bool json = false;                     // --output json: one JSON document on stdout
  // --to URL: a remote sbfn serve's admin API (remote/deploy_remote.hpp).
  std::string to;
  std::string token_file;       // --token-file
  bool admin_insecure = false;  // --admin-insecure: plain HTTP off loopback
  RemoteAction remote_action = RemoteAction::deploy;
  std::string remote_slug;                    // --rollback NAME, --delete NAME
  std::vector<std::string> secret_env_files;  // --env-file: set as secrets first
};

// Bundles the functions, builds the image and writes it to the target, printing the
// layers (media type, size, digest), the config and manifest digests and the target.
// Returns 0, or 1 when a function failed to bundle (its error is printed; nothing is
// written). Throws util::Error for a request that cannot be done: another platform, no
// target, a target folder that is not empty and not a layout, an unknown function.
int deploy(const DeployRequest& request);

}  // namespace deploy
