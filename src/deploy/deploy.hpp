#pragma once

// `sbfn deploy`: the named functions bundled and shipped to a target: an OCI image layout
// on disk (`--oci-layout DIR[:TAG]`) or a registry (`--image REF`); a remote `sbfn serve`
// (`--to`) comes later, through the same request.
//
//   deploy.hpp       this request and the command (deploy.cpp)
//   image.hpp        the image: runtime and functions layers, config, manifest
//   layer.hpp        deterministic tar+gzip layers
//   elf.hpp          the ELF dependency walk that picks the runtime layer's libraries
//   oci_layout.hpp   the image layout on disk (the hand-off to the registry push)
//   push_image.hpp   --image: ECR login, then the push (registry/, aws/)
//   ecs_rollout.hpp  --ecs-service: the service rolled onto the pushed image
//   aws_stack.hpp    --aws-stack: the CloudFormation stack deployed with the pushed image
//   emit_infrastructure.hpp  --emit: CloudFormation or Kubernetes for an image (emit/)

#include "bundler/bundle_functions.hpp"
#include "deploy/aws_stack.hpp"
#include "deploy/ecs_rollout.hpp"

#include <optional>
#include <string>

namespace deploy {

struct DeployRequest {
  // Which functions and how: names (empty: all), --functions-dir, --no-verify-jwt.
  bundler::BundleRequest bundle;
  std::string oci_layout;                // --oci-layout DIR[:TAG]
  std::string image;                     // --image REF: a registry (push_image.hpp)
  bool insecure_registry = false;        // --insecure-registry
  bool create_repository = false;        // --create-repository (ECR)
  std::optional<EcsRollout> ecs;         // --ecs-service: roll it after the push
  std::optional<StackDeploy> stack;      // --aws-stack: deploy it after the push
  std::string platform = "linux/amd64";  // --platform; the only one built
  bool dry_run = false;                  // print what would be built; write nothing
  bool json = false;                     // --output json: one JSON document on stdout
};

// Bundles the functions, builds the image and writes it to the target, printing the
// layers (media type, size, digest), the config and manifest digests and the target.
// Returns 0, or 1 when a function failed to bundle (its error is printed; nothing is
// written). Throws util::Error for a request that cannot be done: another platform, no
// target, a target folder that is not empty and not a layout, an unknown function.
int deploy(const DeployRequest& request);

}  // namespace deploy
