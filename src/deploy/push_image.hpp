#pragma once

// `sbfn deploy --image REF`: the built image pushed to a registry. An ECR registry host
// gets its password from ECR (GetAuthorizationToken, with the AWS credential chain) and,
// with --create-repository, its repository; any other registry the credentials of
// Docker's config.json (deploy::registry).

#include "deploy/image.hpp"
#include "deploy/registry/registry.hpp"

#include <string>

namespace deploy {

struct ImagePush {
  registry::Reference reference;
  bool insecure = false;           // --insecure-registry
  bool create_repository = false;  // --create-repository (ECR)
};

// What is known of a target before anything is built: throws util::Error for a reference
// that does not parse.
ImagePush parse_image_target(const std::string& reference, bool insecure, bool create_repository);

// How to reach the registry: for ECR, the login (and the repository, created or required)
// through the AWS credential chain. Throws util::Error with AWS's reason.
registry::PushOptions push_options(const ImagePush& target);

// Pushes `image` (through an OCI image layout in a temporary folder, removed afterwards),
// telling each blob's fate on stderr. Throws util::Error with the registry's reason.
registry::PushResult push_image(const Image& image, const ImagePush& target,
                                const registry::PushOptions& options);

}  // namespace deploy
