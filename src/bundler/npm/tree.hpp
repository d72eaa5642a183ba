#pragma once

// Resolves npm package requirements into a dependency graph the way Deno does
// (deno_npm's graph.rs), packuments fetched breadth-first and in parallel:
// - a version per requirement by Deno's rule (version_choice.hpp), reusing versions
//   already in the graph, so ranges that conflict get nested versions;
// - peer dependencies taken from the dependent's ancestors or their children (siblings),
//   else installed like a dependency; the packages from the dependent up to the one
//   holding the peer get the peer in their ids (`a@1.0.0_b@2.0.0`);
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

// Which Deno's peer rules to follow; each writes its own lockfile version, so the rules
// follow the lockfile's. They differ twice (checked against both binaries by
// test_bundler_npm_lock_oracle.cpp): Deno 2.1 also gives the peer to the package whose
// dependency it is, and passes over a package whose version does not satisfy the peer's
// range; Deno 2.9 gives it only to the packages below, and takes the first package of
// that name whatever its version.
enum class PeerRules { deno_2_1, deno_2_9 };

// Adds `roots` (requirements not yet in `snapshot.roots`) and everything they need to
// `snapshot`. Throws util::Error naming the package and what requires it when something
// cannot be resolved.
void resolve_npm_tree(const std::vector<NpmSpecifier>& roots, NpmRegistry& registry,
                      VersionChooser& chooser, NpmSnapshot& snapshot, PeerRules rules);

}  // namespace bundler
