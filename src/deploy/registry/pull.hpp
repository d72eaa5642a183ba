#pragma once

// The pull side of the distribution spec, as far as `sbfn deploy --base-image` needs it: an
// image's manifest for one platform (an index or Docker manifest list is resolved to the
// platform's entry), its config, and its blobs, each checked against its digest. Same
// session, auth and retries as a push (session.hpp).

#include "deploy/registry/registry.hpp"
#include "deploy/registry/session.hpp"

#include <cstdint>
#include <string>
#include <vector>

namespace deploy::registry {

struct PulledImage {
  std::string manifest_digest;  // of the platform's image manifest
  std::string manifest;         // its bytes, as stored
  std::string config;           // the config blob's bytes (verified)
  struct LayerDescriptor {
    std::string media_type;  // as the manifest says (OCI or Docker's)
    std::string digest;
    std::uint64_t size = 0;
  };
  std::vector<LayerDescriptor> layers;
};

class ImagePull {
 public:
  // Connects to the registry of `ref` (pull scope on its repository). Throws util::Error as
  // Session::connect does.
  ImagePull(const Reference& ref, const PushOptions& options);

  // The image of `ref` for `os`/`architecture`, with its config. Throws util::Error when the
  // image does not exist, has no such platform (naming those it has), is for another
  // platform, or a digest does not match.
  PulledImage image(const std::string& os, const std::string& architecture);

  // A blob of the repository, checked against `digest` (and `size`).
  std::string blob(const std::string& digest, std::uint64_t size);

 private:
  // GET /manifests/<target> with every manifest type accepted; returns the bytes and the
  // media type, the digest checked when `target` is one.
  std::pair<std::string, std::string> manifest(const std::string& target);

  Reference m_ref;
  PushOptions m_options;
  Session m_session;
};

}  // namespace deploy::registry
