#include "bundler/artifact/redirects.hpp"

#include "util/error.hpp"

namespace bundler {

std::string follow_redirects(const Artifact& artifact, std::string url) {
  // Deno's limit for https redirects; the bundler recorded no longer chain.
  constexpr int k_max_hops = 10;
  auto start = url;
  for (int hop = 0; hop <= k_max_hops; ++hop) {
    auto it = artifact.redirects.find(url);
    if (it == artifact.redirects.end()) {
      return url;
    }
    url = it->second;
  }
  throw util::Error("Too many redirects from \"" + start + "\" in the artifact of \"" +
                    artifact.metadata.slug + "\" (a loop, or more than 10)");
}

}  // namespace bundler
