#pragma once

// `sbfn deploy --base-image REF`: the image's layers stacked on an image pulled from a
// registry instead of on nothing. The base's linux/amd64 manifest and config come from the
// registry each time (a tag moves); its layers, content-addressed, are kept under
// $SBFN_CACHE_DIR/blobs/sha256/ and fetched only once.

#include "deploy/layer.hpp"
#include "deploy/registry/registry.hpp"

#include <string>
#include <vector>

namespace deploy {

struct BaseImage {
  registry::Reference reference;
  std::string manifest_digest;  // of the linux/amd64 manifest built on
  std::string config;           // the base's config JSON, as pulled
  // Its layers, in order, with their blobs; diff_ids from the config. Docker's layer media
  // types are written as their OCI equivalents (the bytes, hence the digests, are the same).
  std::vector<Layer> layers;
};

// Pulls `reference` for linux/amd64, with the credentials a push to it would use (an ECR
// host logs in through the AWS chain, others use Docker's config.json). Throws util::Error
// for an image that does not exist, has no linux/amd64 variant, or whose blobs do not match
// their digests.
BaseImage pull_base_image(const std::string& reference, bool insecure);

}  // namespace deploy
