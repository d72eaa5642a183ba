#pragma once

// Following an artifact's recorded redirects, for the resolver and the source provider.

#include "bundler/artifact/artifact.hpp"

#include <string>

namespace bundler {

// `url` after every redirect the artifact recorded for it (at most 10 hops; a loop or a
// longer chain is a util::Error naming the URL).
std::string follow_redirects(const Artifact& artifact, std::string url);

}  // namespace bundler
