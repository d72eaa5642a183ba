#pragma once

// The META section: ArtifactMetadata (and the Lock inside it) as canonical JSON —
// sorted keys, no whitespace, every field always present (docs/artifact.md, "META").

#include "bundler/artifact/artifact.hpp"

#include <string>
#include <string_view>

namespace bundler {

// Throws util::Error when a string is not valid UTF-8 (JSON cannot hold it).
std::string metadata_to_json(const ArtifactMetadata& metadata);

// Throws nlohmann::json::exception for text that is not JSON or a field of the wrong type,
// util::Error for a missing field; the reader words both as corruption.
ArtifactMetadata metadata_from_json(std::string_view text);

}  // namespace bundler
