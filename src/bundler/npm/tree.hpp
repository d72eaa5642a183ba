#pragma once

// Resolves npm package requirements into a dependency graph the way Deno does
// (deno_npm's graph.rs), packuments fetched breadth-first and in parallel:
// - a version per requirement by Deno's rule (version_choice.hpp), reusing versions
//   already in the graph, so ranges that conflict get nested versions;
// - peer dependencies taken from the dependent's ancestors or their children (siblings),
//   else installed like a dependency; every package from the dependent up to the one
//   holding the peer gets the peer in its id (`a@1.0.0_b@2.0.0`);
// - optional peers only when something provides them; optional dependencies skipped when
//   the registry has no such package or no matching version;
// - bundleDependencies left to the tarball (packument.hpp).
// Packages already in the snapshot (from the lockfile) are kept as they are.

#include "bundler/npm/registry.hpp"
#include "bundler/npm/snapshot.hpp"
#include "bundler/npm/specifier.hpp"
#include "bundler/npm/version_choice.hpp"

#include <vector>

namespace bundler {

// Adds `roots` (requirements not yet in `snapshot.roots`) and everything they need to
// `snapshot`. Throws util::Error naming the package and what requires it when something
// cannot be resolved.
void resolve_npm_tree(const std::vector<NpmSpecifier>& roots, NpmRegistry& registry,
                      VersionChooser& chooser, NpmSnapshot& snapshot);

}  // namespace bundler
