#pragma once

// Puts npm packages' files in the cache: tarballs downloaded in parallel, checked against
// their integrity, extracted into `Cache::directory("npm", "<registry host>/<name>@<version>")`
// (a peer variant's copy in "..._<n>"). An entry appears whole or not at all, so a
// download cut off half-way or two processes filling the cache at once leave nothing
// broken behind.

#include "bundler/cache.hpp"
#include "bundler/http_client.hpp"
#include "bundler/npm/npm_resolver.hpp"
#include "bundler/npm/registry.hpp"
#include "bundler/npm/snapshot.hpp"

#include <set>
#include <string>
#include <vector>

namespace bundler {

// Fills `folder` of every package in `packages` that is `installed` (os/cpu allow it),
// downloading what the cache does not hold yet. `pinned` are the ids whose integrity
// comes from the lockfile (a mismatch then says so). Packages that could be installed
// are, even when others fail; then the first failure is thrown as util::Error.
void install_npm_packages(std::vector<InstalledNpmPackage>& packages, const NpmSnapshot& snapshot,
                          const std::set<std::string>& pinned, const Cache& cache,
                          NpmRegistry& registry);

}  // namespace bundler
