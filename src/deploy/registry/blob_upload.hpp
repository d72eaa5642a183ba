#pragma once

// One blob into a repository: a HEAD to skip what the registry holds, a cross-repository
// mount when asked, then a monolithic upload (POST, PUT ?digest=) or, above the chunk
// size, PATCH chunks with Content-Range. After a dropped connection the upload's status
// (GET <location>, Range header) says where to continue; an upload the registry no
// longer knows starts over, within the attempt budget.

#include "deploy/registry/registry.hpp"
#include "deploy/registry/session.hpp"

#include <cstdint>
#include <filesystem>
#include <string>

namespace deploy::registry {

struct LayoutBlob {
  std::string digest;  // sha256:<hex>
  std::uint64_t size = 0;
  std::filesystem::path path;
};

enum class BlobOutcome { Existed, Mounted, Uploaded };

BlobOutcome push_blob(Session& session, const Reference& ref, const PushOptions& options,
                      const LayoutBlob& blob);

}  // namespace deploy::registry
